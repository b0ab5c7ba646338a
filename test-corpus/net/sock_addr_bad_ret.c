/* cgroup/connect6 program that returns 2. sock_addr programs answer allow (1)
 * or deny (0); any other value is meaningless to the caller. Rejected: return
 * value outside [0, 1]. */
#include "corpus.h"

// @expect connect6_returns_two reject: At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]
SEC("cgroup/connect6")
int connect6_returns_two(struct bpf_sock_addr *ctx)
{
	return ctx->user_port == bpf_htons(443) ? 2 : 1;
}

char LICENSE[] SEC("license") = "GPL";
