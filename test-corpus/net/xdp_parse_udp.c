/* XDP program that parses Ethernet (with one optional 802.1Q tag), IPv4 and UDP
 * and drops datagrams to port 9 (discard). Each header is checked against
 * data_end before use, including the variable VLAN offset. Accepted. */
#include "corpus.h"

struct vlan_tag {
	__be16 tci;
	__be16 proto;
};

// @expect drop_discard_port accept
SEC("xdp")
int drop_discard_port(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *cursor = eth + 1;
	__be16 proto;
	struct iphdr *iph;
	struct udphdr *udp;

	if (cursor > data_end)
		return XDP_PASS;
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_tag *tag = cursor;

		if ((void *)(tag + 1) > data_end)
			return XDP_PASS;
		proto = tag->proto;
		cursor = tag + 1;
	}
	if (proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = cursor;
	if ((void *)(iph + 1) > data_end || iph->protocol != IPPROTO_UDP)
		return XDP_PASS;
	udp = (void *)(iph + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	return udp->dest == bpf_htons(9) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
