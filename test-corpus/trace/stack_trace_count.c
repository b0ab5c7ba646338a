/* perf_event program that samples kernel stacks: bpf_get_stackid stores the
 * current kernel stack in a BPF_MAP_TYPE_STACK_TRACE map and returns its id,
 * which is counted in a hash map. stack_trace maps have u32 keys and values of
 * N * u64 instruction pointers. Accepted (GPL: bpf_get_stackid is GPL-only). */
#include "corpus.h"

#define MAX_DEPTH 32

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 1024);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} stack_counts SEC(".maps");

// @expect sample_kernel_stack accept
SEC("perf_event")
int sample_kernel_stack(struct bpf_perf_event_data *ctx)
{
	long id = bpf_get_stackid(ctx, &stacks, 0);
	__u32 key;
	__u64 one = 1, *count;

	if (id < 0)
		return 0;
	key = id;
	count = bpf_map_lookup_elem(&stack_counts, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&stack_counts, &key, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
