/* cgroup/connect4 program that redirects TCP connections for 10.0.0.1:53 to
 * 127.0.0.1:5353 (a local DNS proxy) and counts redirections in a global.
 * Writes user_ip4/user_port, reads type and protocol. Accepted. */
#include "corpus.h"

__u64 redirected = 0;

// @expect redirect_dns4 accept
SEC("cgroup/connect4")
int redirect_dns4(struct bpf_sock_addr *ctx)
{
	if (ctx->type != CORPUS_SOCK_STREAM)
		return 1;
	if (ctx->user_ip4 == CORPUS_IPV4(10, 0, 0, 1) && ctx->user_port == bpf_htons(53)) {
		ctx->user_ip4 = CORPUS_IPV4(127, 0, 0, 1);
		ctx->user_port = bpf_htons(5353);
		__sync_fetch_and_add(&redirected, 1);
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
