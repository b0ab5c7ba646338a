/* socket filter using global (non-static) __noinline functions. A global
 * function is verified once, on its own, against its BTF prototype: a
 * `struct __sk_buff *` argument is known to be the context, a scalar argument
 * is unknown, and the caller only checks the types of what it passes. Here the
 * callee clamps its unknown scalar itself. Accepted. */
#include "corpus.h"

__noinline int clamp_len(int len, int cap)
{
	if (len < 0)
		return 0;
	return len < cap ? len : cap;
}

__noinline int ipv4_snaplen(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	return clamp_len(skb->len, 96);
}

// @expect snap_ipv4 accept
SEC("socket")
int snap_ipv4(struct __sk_buff *skb)
{
	return ipv4_snaplen(skb);
}

char LICENSE[] SEC("license") = "GPL";
