/* Socket filter that rewrites the packet with bpf_skb_store_bytes. A socket
 * filter sees a possibly shared skb on its way to a socket and must not modify
 * it; packet-writing helpers are offered to tc (and lwt) programs only.
 * Rejected: helper not allowed for the program type. */
#include "corpus.h"

// @expect scrub_ttl reject: program of this type cannot use helper bpf_skb_store_bytes#9
SEC("socket")
int scrub_ttl(struct __sk_buff *skb)
{
	__u8 ttl = 64;

	bpf_skb_store_bytes(skb, ETH_HLEN + offsetof(struct iphdr, ttl), &ttl, 1, 0);
	return -1;
}

char LICENSE[] SEC("license") = "GPL";
