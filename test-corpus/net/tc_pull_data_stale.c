/* tc classifier that computes a packet pointer, calls bpf_skb_pull_data (which
 * may reallocate the skb head) and then dereferences the old pointer. After any
 * helper that can move packet data the verifier invalidates every packet
 * pointer; the saved one becomes an unknown scalar. Rejected: stale packet
 * pointer used after bpf_skb_pull_data. */
#include "corpus.h"

// @expect stale_after_pull reject: R6 invalid mem access 'scalar'
SEC("tc")
int stale_after_pull(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data;
	__u8 *data_end = (__u8 *)(long)skb->data_end;
	__u8 *proto;

	if (data + ETH_HLEN > data_end)
		return TC_ACT_OK;
	proto = data + 12;
	bpf_skb_pull_data(skb, 64);
	return *proto == 0x08 ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
