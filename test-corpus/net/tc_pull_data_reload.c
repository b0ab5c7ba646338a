/* tc classifier that makes the first 34 bytes linear with bpf_skb_pull_data,
 * then reloads data/data_end and re-checks the bound before reading the IPv4
 * TTL and decrementing it in place. This is the correct pattern after a helper
 * that changes packet data. Accepted. */
#include "corpus.h"

// @expect dec_ttl_after_pull accept
SEC("tc")
int dec_ttl_after_pull(struct __sk_buff *skb)
{
	void *data, *data_end;
	struct iphdr *iph;

	if (bpf_skb_pull_data(skb, ETH_HLEN + sizeof(struct iphdr)) < 0)
		return TC_ACT_OK;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	iph = data + ETH_HLEN;
	if ((void *)(iph + 1) > data_end)
		return TC_ACT_OK;
	if (iph->ttl <= 1)
		return TC_ACT_SHOT;
	iph->ttl--;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
