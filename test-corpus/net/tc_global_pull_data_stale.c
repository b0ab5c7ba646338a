/* tc classifier whose packet pointer is checked, then a global (non-static) function is
 * called that calls bpf_skb_pull_data, then the old pointer is read. The kernel verifies
 * global functions apart from their callers, but still knows that this one may move
 * packet data, so the caller's packet pointers are invalid after the call. Rejected:
 * stale packet pointer after a global function that pulls data. */
#include "corpus.h"

__attribute__((noinline)) int pull_headers(struct __sk_buff *skb)
{
	return bpf_skb_pull_data(skb, 64);
}

// @expect stale_after_global_pull reject: invalid mem access 'scalar'
SEC("tc")
int stale_after_global_pull(struct __sk_buff *skb)
{
	__u8 *data = (__u8 *)(long)skb->data;
	__u8 *data_end = (__u8 *)(long)skb->data_end;

	if (data + ETH_HLEN > data_end)
		return TC_ACT_OK;
	pull_headers(skb);
	return data[12] == 0x08 ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
