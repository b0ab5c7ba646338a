/* raw_tracepoint/sys_enter program that counts system calls by number in a
 * per-CPU array. A raw tracepoint's context is the array of the tracepoint's
 * u64 arguments (for sys_enter: struct pt_regs *regs, long id), read via
 * struct bpf_raw_tracepoint_args. Exercises BPF_PROG_TYPE_RAW_TRACEPOINT and
 * BPF_MAP_TYPE_PERCPU_ARRAY. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u64);
} syscalls SEC(".maps");

// @expect count_syscalls accept
SEC("raw_tracepoint/sys_enter")
int count_syscalls(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = ctx->args[1];
	__u32 key;
	__u64 *count;

	if (id >= 512)
		return 0;
	key = id;
	count = bpf_map_lookup_elem(&syscalls, &key);
	if (count)
		*count += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
