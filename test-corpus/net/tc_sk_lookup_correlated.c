/* References whose release is correlated with their acquisition through flags,
 * which path-sensitive analysis must follow rather than join:
 * - same_flag: a socket is looked up only when the packet is marked, and
 *   released under a second test of the same mark bit;
 * - copied_flag: the decision is kept in a volatile u32 on the stack before the
 *   lookup, and the release tests that copy. The program is safe, but clang
 *   spills the flag as 4 bytes at an offset that is not a multiple of 8, which
 *   the kernel (and bpfcheck's stack model) keeps only as unknown bytes: the
 *   reloaded flag is unknown, so the path that skips the release looks possible
 *   and both report the leak. Proving it needs the relation between the two
 *   copies: bpfcheck's prover (Z3 on the path's bytes) shows the leaking path is
 *   never taken, so bpfcheck accepts it (tests/corpus/verdict-differences.tsv);
 * - two_flags: two independent flags each guard a lookup of their own, and
 *   each release tests the flag of its own lookup;
 * - crossed_flags: like two_flags, but the second release tests the wrong
 *   flag, so one path leaks the second socket (and another releases nothing).
 * same_flag and two_flags are accepted (every path releases what it acquired);
 * crossed_flags is rejected with the leak, and so is copied_flag by the kernel, wrongly. */
#include "corpus.h"

static __always_inline struct bpf_sock *lookup(struct __sk_buff *skb, __u16 port)
{
	struct bpf_sock_tuple tuple = {};

	tuple.ipv4.daddr = CORPUS_IPV4(127, 0, 0, 1);
	tuple.ipv4.dport = bpf_htons(port);
	return bpf_sk_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
}

// @expect same_flag accept
SEC("tc")
int same_flag(struct __sk_buff *skb)
{
	struct bpf_sock *sk = NULL;
	__u32 marked = skb->mark & 1;
	int verdict = TC_ACT_OK;

	if (marked) {
		sk = lookup(skb, 8080);
		if (!sk)
			return TC_ACT_OK;
	}
	/* unrelated work between acquisition and release */
	if (skb->len > 1000)
		verdict = TC_ACT_SHOT;
	if (marked)
		bpf_sk_release(sk);
	return verdict;
}

// @expect copied_flag reject: Unreleased reference id=2 alloc_insn=23
SEC("tc")
int copied_flag(struct __sk_buff *skb)
{
	volatile __u32 saved;
	struct bpf_sock *sk = NULL;
	__u32 wanted = skb->priority > 3;

	saved = wanted;
	if (wanted) {
		sk = lookup(skb, 8080);
		if (!sk)
			return TC_ACT_OK;
	}
	if (saved)
		bpf_sk_release(sk);
	return TC_ACT_OK;
}

// @expect two_flags accept
SEC("tc")
int two_flags(struct __sk_buff *skb)
{
	struct bpf_sock *first = NULL, *second = NULL;
	__u32 want_first = skb->mark & 1, want_second = skb->mark & 2;

	if (want_first) {
		first = lookup(skb, 8080);
		if (!first)
			return TC_ACT_OK;
	}
	if (want_second) {
		second = lookup(skb, 9090);
		if (!second) {
			if (want_first)
				bpf_sk_release(first);
			return TC_ACT_OK;
		}
	}
	if (want_first)
		bpf_sk_release(first);
	if (want_second)
		bpf_sk_release(second);
	return TC_ACT_OK;
}

// @expect crossed_flags reject: Unreleased reference
SEC("tc")
int crossed_flags(struct __sk_buff *skb)
{
	struct bpf_sock *first = NULL, *second = NULL;
	__u32 want_first = skb->mark & 1, want_second = skb->mark & 2;

	if (want_first) {
		first = lookup(skb, 8080);
		if (!first)
			return TC_ACT_OK;
	}
	if (want_second) {
		second = lookup(skb, 9090);
		if (!second) {
			if (want_first)
				bpf_sk_release(first);
			return TC_ACT_OK;
		}
	}
	if (want_first)
		bpf_sk_release(first);
	if (want_first && second)
		bpf_sk_release(second);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
