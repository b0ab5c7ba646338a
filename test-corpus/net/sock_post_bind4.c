/* cgroup/post_bind4 program that refuses IPv4 binds to ports below 1024 on any
 * address other than loopback. Runs after the bind (BPF_PROG_TYPE_CGROUP_SOCK,
 * attach BPF_CGROUP_INET4_POST_BIND) and reads src_ip4/src_port from bpf_sock.
 * Accepted. */
#include "corpus.h"

// @expect post_bind4_check accept
SEC("cgroup/post_bind4")
int post_bind4_check(struct bpf_sock *sk)
{
	if (sk->src_port >= 1024)
		return 1;
	return sk->src_ip4 == CORPUS_IPV4(127, 0, 0, 1) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
