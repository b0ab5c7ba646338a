/* Several programs in one file and in one section name: three SEC("xdp")
 * functions, each its own program (libbpf names them by function). The first
 * two are accepted; the third reads the Ethernet header without a bound check
 * and is rejected. A checker must report a verdict per program, not per
 * section. */
#include "corpus.h"

// @expect xdp_first_drop_all accept
SEC("xdp")
int xdp_first_drop_all(struct xdp_md *ctx)
{
	return XDP_DROP;
}

// @expect xdp_second_pass_ipv6 accept
SEC("xdp")
int xdp_second_pass_ipv6(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	return eth->h_proto == bpf_htons(ETH_P_IPV6) ? XDP_PASS : XDP_DROP;
}

// @expect xdp_third_unchecked reject: invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)
SEC("xdp")
int xdp_third_unchecked(struct xdp_md *ctx)
{
	struct ethhdr *eth = (void *)(long)ctx->data;

	return eth->h_proto == bpf_htons(ETH_P_ARP) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
