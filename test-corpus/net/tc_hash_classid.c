/* tc classifier meant to be attached in direct-action mode (clsact): reads
 * skb->hash, writes skb->mark, skb->priority and skb->tc_classid, and returns a
 * TC_ACT_* verdict. These fields are writable for BPF_PROG_TYPE_SCHED_CLS, and
 * bpf_set_hash is the sanctioned way to change the hash. Accepted. */
#include "corpus.h"

// @expect classify_by_hash accept
SEC("tc")
int classify_by_hash(struct __sk_buff *skb)
{
	__u32 h = skb->hash;

	if (h == 0) {
		h = bpf_get_hash_recalc(skb);
		bpf_set_hash(skb, h | 1);
	}
	skb->mark = h & 0xff;
	skb->priority = (h >> 8) & 7;
	skb->tc_classid = 0x10000 | (h & 0xf);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
