/* tc classifier that reads sk->state after bpf_sk_release(sk). Once released,
 * the socket may be freed; the verifier invalidates the pointer at the release
 * call. Rejected: use after release. */
#include "corpus.h"

// @expect use_after_release reject: R6 invalid mem access 'scalar'
SEC("tc")
int use_after_release(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;

	tuple.ipv4.dport = bpf_htons(80);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	return sk->state == 1 ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
