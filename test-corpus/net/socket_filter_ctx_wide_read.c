/* socket filter that reads skb->len and skb->pkt_type together as one 8-byte
 * load. __sk_buff fields are converted one by one into loads from struct
 * sk_buff (where they are not adjacent), so a ctx access must match a single
 * field's size (or be a permitted narrower read of it). Rejected: context
 * access of the wrong size. */
#include "corpus.h"

// @expect len_and_type_at_once reject: invalid bpf_context access off=0 size=8
SEC("socket")
int len_and_type_at_once(struct __sk_buff *skb)
{
	__u64 both = *(volatile __u64 *)&skb->len;

	return (both >> 32) == 0 ? -1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
