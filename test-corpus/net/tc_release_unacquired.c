/* tc classifier that calls bpf_sk_release on skb->sk. The skb's socket pointer
 * is borrowed for the duration of the program, not acquired: no reference was
 * taken, so releasing it would drop a refcount the program does not own.
 * Rejected: release of a non-referenced pointer. */
#include "corpus.h"

// @expect release_skb_sk reject: R1 must be referenced when passed to release function
SEC("tc")
int release_skb_sk(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;

	if (!sk)
		return TC_ACT_OK;
	bpf_sk_release(sk);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
