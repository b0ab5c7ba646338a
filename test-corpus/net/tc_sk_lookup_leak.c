/* tc classifier that acquires a socket reference with bpf_sk_lookup_tcp and
 * returns without calling bpf_sk_release when the socket is found. The kernel
 * would leak a refcount on the socket. Rejected: unreleased reference. */
#include "corpus.h"

// @expect lookup_leak reject: Unreleased reference id=
SEC("tc")
int lookup_leak(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;

	tuple.ipv4.dport = bpf_htons(22);
	sk = bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk && sk->state == 10 /* TCP_LISTEN */)
		return TC_ACT_SHOT;
	if (sk)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
