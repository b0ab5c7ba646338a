/* bpf_loop calls its callback at most nr_loops times, and the verifier explores
 * the callback at most umax(nr_loops) times per call (callback_depth in
 * check_helper_call). A counter the callback bumps is therefore at most
 * nr_loops after the call: with nr_loops 1 (or a run-time value masked to 0..1)
 * it indexes a two-element array safely; with nr_loops 2 it may reach 2, one
 * past the end, and the program is rejected. */
#include "corpus.h"

struct counter {
	__u64 i;
};

__u8 choice[2] = { 0, 1 };

static long bump(__u64 index, void *data)
{
	struct counter *c = data;

	c->i++;
	return 0;
}

// @expect call_once accept
SEC("socket")
int call_once(void *ctx)
{
	struct counter c = { .i = 0 };

	bpf_loop(1, bump, &c, 0);
	return choice[c.i];
}

// @expect call_zero_or_once accept
SEC("socket")
int call_zero_or_once(void *ctx)
{
	struct counter c = { .i = 0 };

	bpf_loop(bpf_get_prandom_u32() & 1, bump, &c, 0);
	return choice[c.i];
}

// @expect call_twice reject: invalid access to map value, value_size=2 off=2 size=1
SEC("socket")
int call_twice(void *ctx)
{
	struct counter c = { .i = 0 };

	bpf_loop(2, bump, &c, 0);
	return choice[c.i];
}

char LICENSE[] SEC("license") = "GPL";
