/* cgroup/connect6 program that rewrites connections to ::1 port 80 onto port
 * 8080 and refuses IPv4-mapped destinations (::ffff:a.b.c.d). Reads user_ip6
 * word by word and writes user_port. Accepted. */
#include "corpus.h"

// @expect rewrite_connect6 accept
SEC("cgroup/connect6")
int rewrite_connect6(struct bpf_sock_addr *ctx)
{
	if (ctx->user_ip6[0] == 0 && ctx->user_ip6[1] == 0 &&
	    ctx->user_ip6[2] == bpf_htonl(0xffff))
		return 0;
	if (ctx->user_ip6[0] == 0 && ctx->user_ip6[1] == 0 && ctx->user_ip6[2] == 0 &&
	    ctx->user_ip6[3] == bpf_htonl(1) && ctx->user_port == bpf_htons(80))
		ctx->user_port = bpf_htons(8080);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
