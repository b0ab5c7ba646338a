/* XDP program that strips the Ethernet header with bpf_xdp_adjust_head and then
 * reads through the packet pointer it computed before the call. Adjusting the
 * head moves ctx->data, so the verifier invalidates all earlier packet
 * pointers. Rejected: stale packet pointer after bpf_xdp_adjust_head. */
#include "corpus.h"

// @expect stale_after_adjust reject: R6 invalid mem access 'scalar'
SEC("xdp")
int stale_after_adjust(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (bpf_xdp_adjust_head(ctx, ETH_HLEN))
		return XDP_ABORTED;
	return eth->h_proto == bpf_htons(ETH_P_IP) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
