/* Socket filter that reads skb->tc_classid. The field exists in __sk_buff but
 * is only meaningful (and only readable) for tc programs; socket filters are
 * refused access to it. Rejected: context field not available for this
 * program type. */
#include "corpus.h"

// @expect read_classid reject: invalid bpf_context access off=72 size=4
SEC("socket")
int read_classid(struct __sk_buff *skb)
{
	return skb->tc_classid ? skb->len : 0;
}

char LICENSE[] SEC("license") = "GPL";
