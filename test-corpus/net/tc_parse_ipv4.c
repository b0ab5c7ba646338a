/* tc classifier that parses Ethernet, IPv4 and TCP with direct packet access
 * and drops TCP traffic to port 23. Every header is bound-checked against
 * data_end before it is read (the IPv4 header length is taken from ihl and
 * bounded), so all packet reads are proven in range. Accepted. */
#include "corpus.h"

// @expect drop_telnet accept
SEC("tc")
int drop_telnet(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct tcphdr *tcp;

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return TC_ACT_OK;
	if (iph->protocol != IPPROTO_TCP || iph->ihl < 5)
		return TC_ACT_OK;
	tcp = (void *)iph + iph->ihl * 4;
	if ((void *)(tcp + 1) > data_end)
		return TC_ACT_OK;
	return tcp->dest == bpf_htons(23) ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
