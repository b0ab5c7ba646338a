/* A minimal TCP congestion control written as struct_ops: a `.struct_ops` map
 * whose value is a struct tcp_congestion_ops with BPF programs for init,
 * ssthresh, cong_avoid and undo_cwnd (Reno-like: halve on loss, +1 per RTT in
 * congestion avoidance, slow start below ssthresh). Each callback is a
 * BPF_PROG_TYPE_STRUCT_OPS program; the kernel promotes `struct sock *`
 * arguments of tcp_congestion_ops callbacks to struct tcp_sock and allows
 * writes only to congestion-control fields (snd_cwnd, snd_ssthresh,
 * snd_cwnd_cnt, ...). All programs are
 * accepted (struct_ops programs load on this machine, unlike fentry). */
#include "corpus_kernel.h"

struct sock;

struct tcp_sock {
	__u32 snd_cwnd;
	__u32 snd_cwnd_cnt;
	__u32 snd_ssthresh;
	__u32 prior_cwnd;
} __attribute__((preserve_access_index));

struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*init)(struct sock *sk);
	char name[16];
} __attribute__((preserve_access_index));

static struct tcp_sock *tcp_of(struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

// @expect corpus_init accept
SEC("struct_ops/corpus_init")
void BPF_PROG(corpus_init, struct sock *sk)
{
	tcp_of(sk)->snd_ssthresh = 0x7fffffff;
}

// @expect corpus_ssthresh accept
SEC("struct_ops/corpus_ssthresh")
__u32 BPF_PROG(corpus_ssthresh, struct sock *sk)
{
	struct tcp_sock *tp = tcp_of(sk);
	__u32 half = tp->snd_cwnd >> 1;

	return half > 2 ? half : 2;
}

// @expect corpus_cong_avoid accept
SEC("struct_ops/corpus_cong_avoid")
void BPF_PROG(corpus_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = tcp_of(sk);

	if (tp->snd_cwnd < tp->snd_ssthresh) {
		tp->snd_cwnd += acked;
		return;
	}
	tp->snd_cwnd_cnt += acked;
	if (tp->snd_cwnd_cnt >= tp->snd_cwnd) {
		tp->snd_cwnd_cnt = 0;
		tp->snd_cwnd += 1;
	}
}

// @expect corpus_undo_cwnd accept
SEC("struct_ops/corpus_undo_cwnd")
__u32 BPF_PROG(corpus_undo_cwnd, struct sock *sk)
{
	struct tcp_sock *tp = tcp_of(sk);

	return tp->snd_cwnd > tp->prior_cwnd ? tp->snd_cwnd : tp->prior_cwnd;
}

SEC(".struct_ops")
struct tcp_congestion_ops corpus_reno = {
	.init = (void *)corpus_init,
	.ssthresh = (void *)corpus_ssthresh,
	.cong_avoid = (void *)corpus_cong_avoid,
	.undo_cwnd = (void *)corpus_undo_cwnd,
	.name = "corpus_reno",
};

char LICENSE[] SEC("license") = "GPL";
