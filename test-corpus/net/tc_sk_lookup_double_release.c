/* tc classifier that releases the socket returned by bpf_sk_lookup_udp twice.
 * After the first bpf_sk_release the verifier drops the reference and turns
 * every copy of the pointer into an unknown scalar, so the second release gets
 * a non-socket argument. Rejected: double release. */
#include "corpus.h"

// @expect release_twice reject: R1 type=scalar expected=sock_common, sock, tcp_sock, xdp_sock, ptr_
SEC("tc")
int release_twice(struct __sk_buff *skb)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;

	tuple.ipv4.dport = bpf_htons(53);
	sk = bpf_sk_lookup_udp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
