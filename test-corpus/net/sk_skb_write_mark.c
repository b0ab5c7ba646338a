/* sk_skb/stream_verdict program that sets skb->mark. For sk_skb programs the
 * skb belongs to a socket's receive path and only tc_index and priority may be
 * written; mark is read-only. Rejected: write to a read-only context field. */
#include "corpus.h"

// @expect verdict_sets_mark reject: invalid bpf_context access off=8 size=4
SEC("sk_skb/stream_verdict")
int verdict_sets_mark(struct __sk_buff *skb)
{
	skb->mark = 7;
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
