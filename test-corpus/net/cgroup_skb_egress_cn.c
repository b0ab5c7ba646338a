/* cgroup_skb/egress program that drops oversized packets and asks for congestion
 * notification (return value 3 = allow + CN) on large ones. Egress accepts the
 * range [0, 3]; bit 1 is the congestion-notification flag. Accepted. */
#include "corpus.h"

// @expect egress_with_cn accept
SEC("cgroup_skb/egress")
int egress_with_cn(struct __sk_buff *skb)
{
	if (skb->len > 9000)
		return 0;
	if (skb->len > 1400)
		return 3;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
