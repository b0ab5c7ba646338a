/* tc classifier that checks the Ethernet header against data_end but then reads
 * the IPv4 header that follows it without a second check. The verifier only
 * knows the first 14 bytes are in the packet. Rejected: missing packet bound
 * check. */
#include "corpus.h"

// @expect read_ip_unchecked reject: invalid access to packet, off=22 size=1, R1(id=0,off=22,r=14)
SEC("tc")
int read_ip_unchecked(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);

	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	return iph->ttl == 1 ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
