/* Socket filter that tries to set skb->mark. Socket filters may only write the
 * cb[] scratch area of __sk_buff; mark is writable for tc programs only.
 * Rejected: write to a read-only context field. */
#include "corpus.h"

// @expect set_mark reject: invalid bpf_context access off=8 size=4
SEC("socket")
int set_mark(struct __sk_buff *skb)
{
	skb->mark = 42;
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
