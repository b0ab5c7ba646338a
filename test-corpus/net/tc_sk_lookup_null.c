/* tc classifier that reads a field of the socket returned by bpf_sk_lookup_tcp
 * before checking it for NULL (the lookup fails when no socket matches).
 * Rejected: dereference of a possibly-NULL socket pointer. */
#include "corpus.h"

// @expect lookup_no_null_check reject: R0 invalid mem access 'sock_or_null'
SEC("tc")
int lookup_no_null_check(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	__u32 state;

	tuple.ipv4.dport = bpf_htons(443);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	state = sk->state;
	if (sk)
		bpf_sk_release(sk);
	return state == 10 ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
