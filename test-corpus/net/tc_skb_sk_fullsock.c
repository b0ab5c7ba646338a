/* tc classifier that inspects the socket attached to the skb: skb->sk is a
 * possibly-NULL sock_common pointer, bpf_sk_fullsock upgrades it (or returns
 * NULL for request/timewait sockets) and bpf_tcp_sock gives the TCP view. All
 * three are borrowed pointers (no release needed) and each is NULL-checked.
 * Marks packets of sockets with a small congestion window. Accepted. */
#include "corpus.h"

// @expect mark_small_cwnd accept
SEC("tc")
int mark_small_cwnd(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct bpf_tcp_sock *tp;

	if (!sk)
		return TC_ACT_OK;
	sk = bpf_sk_fullsock(sk);
	if (!sk || sk->protocol != IPPROTO_TCP)
		return TC_ACT_OK;
	tp = bpf_tcp_sock(sk);
	if (!tp)
		return TC_ACT_OK;
	if (tp->snd_cwnd < 10)
		skb->mark = 0x10;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
