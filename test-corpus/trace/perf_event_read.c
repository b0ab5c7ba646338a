/* kprobe that reads a hardware counter (opened by user space and stored in a
 * perf_event_array) with bpf_perf_event_read and bpf_perf_event_read_value on
 * the current CPU, remembering the last value in an array map. Exercises the
 * counter-reading side of BPF_MAP_TYPE_PERF_EVENT_ARRAY. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 64);
} cycles SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} last SEC(".maps");

// @expect sample_cycles accept
SEC("kprobe/schedule")
int sample_cycles(struct pt_regs *ctx)
{
	struct bpf_perf_event_value v = {};
	__u64 raw = bpf_perf_event_read(&cycles, BPF_F_CURRENT_CPU);
	__u32 k0 = 0, k1 = 1;
	__u64 *slot;

	slot = bpf_map_lookup_elem(&last, &k0);
	if (slot && (__s64)raw >= 0)
		*slot = raw;
	if (bpf_perf_event_read_value(&cycles, BPF_F_CURRENT_CPU, &v, sizeof(v)) == 0) {
		slot = bpf_map_lookup_elem(&last, &k1);
		if (slot)
			*slot = v.counter;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
