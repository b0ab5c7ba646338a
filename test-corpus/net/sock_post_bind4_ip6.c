/* cgroup/post_bind4 program that reads src_ip6. The IPv6 source address is only
 * accessible from post_bind6; for an IPv4 bind there is none. Rejected: context
 * field not available for the attach type. */
#include "corpus.h"

// @expect post_bind4_reads_ip6 reject: invalid bpf_context access off=28 size=4
SEC("cgroup/post_bind4")
int post_bind4_reads_ip6(struct bpf_sock *sk)
{
	return sk->src_ip6[0] == 0;
}

char LICENSE[] SEC("license") = "GPL";
