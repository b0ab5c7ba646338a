/* The smallest XDP program: pass every frame up the stack. Exercises
 * BPF_PROG_TYPE_XDP with no context access at all. Accepted. */
#include "corpus.h"

// @expect xdp_pass_all accept
SEC("xdp")
int xdp_pass_all(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
