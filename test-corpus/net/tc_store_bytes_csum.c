/* tc classifier that rewrites the IPv4 destination address with
 * bpf_skb_store_bytes and fixes the header checksum with bpf_l3_csum_replace.
 * Uses helpers whose memory arguments point to stack (the new address) and whose
 * offsets are constants. Accepted. */
#include "corpus.h"

// @expect rewrite_daddr accept
SEC("tc")
int rewrite_daddr(struct __sk_buff *skb)
{
	__u32 old_daddr, new_daddr = CORPUS_IPV4(10, 0, 0, 2);
	const int off = ETH_HLEN + offsetof(struct iphdr, daddr);

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, off, &old_daddr, sizeof(old_daddr)) < 0)
		return TC_ACT_OK;
	if (old_daddr != CORPUS_IPV4(10, 0, 0, 1))
		return TC_ACT_OK;
	bpf_l3_csum_replace(skb, ETH_HLEN + offsetof(struct iphdr, check), old_daddr, new_daddr, 4);
	bpf_skb_store_bytes(skb, off, &new_daddr, sizeof(new_daddr), 0);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
