/* XDP program that tries to steer a frame by overwriting ctx->rx_queue_index.
 * The xdp_md fields are a read-only view of the driver's receive metadata
 * (rewritten by the verifier into loads from struct xdp_buff); XDP programs
 * redirect through helpers (bpf_redirect, bpf_redirect_map) instead.
 * Rejected: write to a read-only context field. */
#include "corpus.h"

// @expect steer_to_queue_zero reject: invalid bpf_context access off=16 size=4
SEC("xdp")
int steer_to_queue_zero(struct xdp_md *ctx)
{
	if (ctx->rx_queue_index != 0)
		ctx->rx_queue_index = 0;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
