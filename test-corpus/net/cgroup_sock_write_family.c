/* cgroup/sock_create program that rewrites sk->family. The address family is
 * fixed when the socket is created; only bound_dev_if, mark and priority may be
 * written. Rejected: write to a read-only context field. */
#include "corpus.h"

// @expect force_inet6 reject: invalid bpf_context access off=4 size=4
SEC("cgroup/sock_create")
int force_inet6(struct bpf_sock *sk)
{
	sk->family = CORPUS_AF_INET6;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
