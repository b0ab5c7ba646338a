/* struct_ops tcp_congestion_ops whose ssthresh callback also overwrites
 * tp->snd_una (the oldest unacknowledged sequence number). A congestion
 * control module may only write the congestion state of tcp_sock (snd_cwnd,
 * snd_cwnd_cnt, snd_cwnd_stamp, snd_ssthresh, ecn_flags, app_limited, pacing
 * fields); touching sequence state would corrupt TCP. Rejected: write to a
 * field outside the allow-list. The undo_cwnd program is accepted. */
#include "corpus_kernel.h"

struct sock;

struct tcp_sock {
	__u32 snd_cwnd;
	__u32 snd_una;
} __attribute__((preserve_access_index));

struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	char name[16];
} __attribute__((preserve_access_index));

// @expect rewind_snd_una reject: no write support to tcp_sock at off
SEC("struct_ops/rewind_snd_una")
__u32 BPF_PROG(rewind_snd_una, struct sock *sk)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	tp->snd_una -= 1;
	return tp->snd_cwnd >> 1;
}

// @expect keep_cwnd accept
SEC("struct_ops/keep_cwnd")
__u32 BPF_PROG(keep_cwnd, struct sock *sk)
{
	return ((struct tcp_sock *)sk)->snd_cwnd;
}

// @expect noop_cong_avoid accept
SEC("struct_ops/noop_cong_avoid")
void BPF_PROG(noop_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
}

SEC(".struct_ops")
struct tcp_congestion_ops corpus_bad_cc = {
	.ssthresh = (void *)rewind_snd_una,
	.cong_avoid = (void *)noop_cong_avoid,
	.undo_cwnd = (void *)keep_cwnd,
	.name = "corpus_bad_cc",
};

char LICENSE[] SEC("license") = "GPL";
