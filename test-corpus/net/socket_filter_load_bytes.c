/* Socket filter that copies the IPv4 header out of the packet with
 * bpf_skb_load_bytes and accepts only TCP. Exercises a helper that writes into
 * a stack buffer: the buffer is the right size and the length is a constant, so
 * the verifier can check the helper's memory argument. Accepted. */
#include "corpus.h"

// @expect only_tcp accept
SEC("socket")
int only_tcp(struct __sk_buff *skb)
{
	struct iphdr iph;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &iph, sizeof(iph)) < 0)
		return 0;
	return iph.protocol == IPPROTO_TCP ? -1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
