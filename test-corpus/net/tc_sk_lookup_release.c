/* tc classifier that looks up the local TCP socket for a fixed 4-tuple with
 * bpf_sk_lookup_tcp, null-checks the result, reads a field and releases it
 * with bpf_sk_release on every path. The acquired reference is balanced.
 * Accepted. */
#include "corpus.h"

// @expect lookup_and_release accept
SEC("tc")
int lookup_and_release(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	int verdict = TC_ACT_OK;

	tuple.ipv4.daddr = CORPUS_IPV4(127, 0, 0, 1);
	tuple.ipv4.dport = bpf_htons(8080);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	if (sk->state == 10 /* TCP_LISTEN */)
		verdict = TC_ACT_SHOT;
	bpf_sk_release(sk);
	return verdict;
}

char LICENSE[] SEC("license") = "GPL";
