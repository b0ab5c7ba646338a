/* cgroup_skb/ingress program that returns 5. The kernel interprets a cgroup skb
 * program's result as allow (1) / drop (0); on ingress nothing else is
 * defined. Rejected: return value outside the range allowed for the attach
 * type. */
#include "corpus.h"

// @expect ingress_returns_five reject: At program exit the register R0 has smin=5 smax=5 should have been in [0, 1]
SEC("cgroup_skb/ingress")
int ingress_returns_five(struct __sk_buff *skb)
{
	return skb->len > 1000 ? 5 : 1;
}

char LICENSE[] SEC("license") = "GPL";
