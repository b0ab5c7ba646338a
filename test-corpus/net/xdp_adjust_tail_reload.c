/* XDP program that trims every frame to at most 128 bytes with
 * bpf_xdp_adjust_tail, then reloads data/data_end and re-checks the bound
 * before reading the Ethernet header. Accepted: no packet pointer survives the
 * helper call. */
#include "corpus.h"

// @expect trim_to_128 accept
SEC("xdp")
int trim_to_128(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	long len = data_end - data;
	struct ethhdr *eth;

	if (len > 128 && bpf_xdp_adjust_tail(ctx, (int)(128 - len)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	return eth->h_proto == bpf_htons(ETH_P_ARP) ? XDP_PASS : XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
