/* tc classifier with an off-by-one bound check: it proves that the 14-byte
 * Ethernet header is in the packet, then reads one byte past it (the first byte
 * of the next header) as if it were covered. Rejected: packet access one byte
 * beyond the checked range. */
#include "corpus.h"

// @expect peek_past_eth reject: invalid access to packet, off=14 size=1, R2(id=0,off=14,r=14)
SEC("tc")
int peek_past_eth(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data;
	__u8 *data_end = (__u8 *)(long)skb->data_end;

	if (data + ETH_HLEN > data_end)
		return TC_ACT_OK;
	return data[ETH_HLEN] == 0x45 ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
