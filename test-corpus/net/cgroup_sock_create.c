/* cgroup/sock_create program that tags new IPv4 TCP sockets with a mark and a
 * priority, and forbids raw sockets. In BPF_PROG_TYPE_CGROUP_SOCK the fields
 * family/type/protocol are readable and bound_dev_if/mark/priority are
 * writable at sock_create. Accepted. */
#include "corpus.h"

// @expect tag_new_socket accept
SEC("cgroup/sock_create")
int tag_new_socket(struct bpf_sock *sk)
{
	if (sk->type == 3 /* SOCK_RAW */)
		return 0;
	if (sk->family == CORPUS_AF_INET && sk->protocol == IPPROTO_TCP) {
		sk->mark = 0x77;
		sk->priority = 4;
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
