/* perf_event program (run on each sample of a perf event) that reads
 * sample_period from struct bpf_perf_event_data, fetches the counter value and
 * its enabled/running times with bpf_perf_prog_read_value into a stack struct,
 * and accumulates scaled counts per CPU. Exercises
 * BPF_PROG_TYPE_PERF_EVENT. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} scaled SEC(".maps");

// @expect scale_sample accept
SEC("perf_event")
int scale_sample(struct bpf_perf_event_data *ctx)
{
	struct bpf_perf_event_value v = {};
	__u32 zero = 0;
	__u64 *acc;

	if (ctx->sample_period == 0)
		return 0;
	if (bpf_perf_prog_read_value(ctx, &v, sizeof(v)))
		return 0;
	acc = bpf_map_lookup_elem(&scaled, &zero);
	if (acc && v.running)
		*acc += v.counter * v.enabled / v.running;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
