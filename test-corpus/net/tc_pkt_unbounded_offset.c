/* tc classifier that adds a signed 64-bit skip length read from the packet to
 * the packet pointer after checking only its upper bound. The value may be
 * hugely negative, and a packet pointer moved by an offset with no lower bound
 * could point anywhere before the packet; the verifier refuses such arithmetic
 * outright, even if a data_end comparison follows. Rejected: packet pointer
 * plus a register with unbounded minimum. */
#include "corpus.h"

// @expect skip_by_signed_len reject: math between pkt pointer and register with unbounded min value is not allowed
SEC("tc")
int skip_by_signed_len(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__s64 *lenp = data + ETH_HLEN;
	__s64 skip;
	__u8 *p;

	if ((void *)(lenp + 1) > data_end)
		return TC_ACT_OK;
	skip = *lenp;
	if (skip > 1000)
		return TC_ACT_OK;
	p = data + skip;
	if ((void *)(p + 1) > data_end)
		return TC_ACT_OK;
	return *p ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
