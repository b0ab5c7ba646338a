/* raw tracepoint that sums the first N entries of an array map with the
 * bpf_loop helper: the callback is a static subprogram receiving the index and
 * a pointer to a stack context struct, and returns 0 to continue / 1 to stop.
 * The verifier checks the callback once with a bounded index instead of
 * unrolling. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} samples SEC(".maps");

struct sum_ctx {
	__u64 total;
	__u64 stop_above;
};

static long add_sample(__u64 index, void *data)
{
	struct sum_ctx *c = data;
	__u32 key = index;
	__u64 *v = bpf_map_lookup_elem(&samples, &key);

	if (!v)
		return 1;
	c->total += *v;
	return c->total > c->stop_above;
}

__u64 sum_result = 0;

// @expect sum_samples accept
SEC("raw_tp/sys_enter")
int sum_samples(void *ctx)
{
	struct sum_ctx c = { .total = 0, .stop_above = 1000000 };

	bpf_loop(64, add_sample, &c, 0);
	sum_result = c.total;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
