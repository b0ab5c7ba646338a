/* Socket filter that keeps the first 64 bytes of IPv4 packets and drops the rest.
 * Exercises the simplest program type (BPF_PROG_TYPE_SOCKET_FILTER) and
 * read-only __sk_buff fields (len, protocol). Accepted: only readable context
 * fields are loaded and the return value is a plain scalar (the snap length). */
#include "corpus.h"

// @expect keep_ipv4_head accept
SEC("socket")
int keep_ipv4_head(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	return skb->len < 64 ? skb->len : 64;
}

char LICENSE[] SEC("license") = "GPL";
