/* cgroup/post_bind6 program that refuses IPv6 binds to port 0 (ephemeral)
 * unless the address is ::1. Reads src_ip6[] (only valid for post_bind6) and
 * src_port. Accepted. */
#include "corpus.h"

// @expect post_bind6_check accept
SEC("cgroup/post_bind6")
int post_bind6_check(struct bpf_sock *sk)
{
	if (sk->src_port != 0)
		return 1;
	return (sk->src_ip6[0] | sk->src_ip6[1] | sk->src_ip6[2]) == 0 &&
	       sk->src_ip6[3] == bpf_htonl(1);
}

char LICENSE[] SEC("license") = "GPL";
