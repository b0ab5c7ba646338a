/* tc classifier that tries to shrink the packet by writing skb->len. The length
 * is owned by the kernel (bpf_skb_change_tail exists for that); writing it
 * would desynchronise the skb. Rejected: write to a read-only context field. */
#include "corpus.h"

// @expect truncate_by_len reject: invalid bpf_context access off=0 size=4
SEC("tc")
int truncate_by_len(struct __sk_buff *skb)
{
	if (skb->len > 128)
		skb->len = 128;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
