/* cgroup/bind6 program that refuses binds to the IPv6 wildcard address on
 * privileged ports. Reads the four 32-bit words of user_ip6 (valid for the
 * INET6 attach types only) and user_port. Accepted. */
#include "corpus.h"

// @expect no_wildcard_bind6 accept
SEC("cgroup/bind6")
int no_wildcard_bind6(struct bpf_sock_addr *ctx)
{
	__u32 any = ctx->user_ip6[0] | ctx->user_ip6[1] | ctx->user_ip6[2] | ctx->user_ip6[3];

	if (any == 0 && bpf_ntohs(ctx->user_port) < 1024)
		return 0;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
