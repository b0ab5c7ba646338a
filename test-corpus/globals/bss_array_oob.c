/* XDP program that indexes a 16-element .bss array with the receive queue index
 * checked against the wrong bound (<= 16 instead of < 16). Index 16 is one
 * element past the array, which is also the end of the .bss map value.
 * Rejected: out-of-bounds map value access (off-by-one on a global array). */
#include "corpus.h"

__u64 per_queue[16];

// @expect count_per_queue reject: invalid access to map value, value_size=128 off=128 size=8
SEC("xdp")
int count_per_queue(struct xdp_md *ctx)
{
	__u32 q = ctx->rx_queue_index;

	if (q <= 16)
		per_queue[q]++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
