/* tc classifier that assigns skb->hash directly. The hash is read-only in
 * __sk_buff (it must stay consistent with the skb's l4_hash/sw_hash bits); the
 * program should call bpf_set_hash instead. Rejected: write to a read-only
 * context field. */
#include "corpus.h"

// @expect overwrite_hash reject: invalid bpf_context access off=68 size=4
SEC("tc")
int overwrite_hash(struct __sk_buff *skb)
{
	skb->hash = 0x1234;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
