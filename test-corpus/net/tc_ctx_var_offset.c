/* tc classifier that reads skb->cb[i] with a small variable index. Context
 * accesses are rewritten by the verifier into loads from the real kernel
 * structure at fixed offsets, so every ctx access must use a constant offset,
 * even when the variable is bounded within the array. Rejected: variable-offset
 * context access. */
#include "corpus.h"

// @expect read_cb_by_index reject: variable ctx access var_off=(0x0; 0xc) disallowed
SEC("tc")
int read_cb_by_index(struct __sk_buff *skb)
{
	__u32 i = skb->len & 3;

	return skb->cb[i] ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
