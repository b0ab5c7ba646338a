/* kretprobe on do_sys_openat2 that counts failed opens by errno in an array
 * map, reading the return value with PT_REGS_RC. The errno is bounded before it
 * is used as a key. Exercises kretprobe sections (BPF_PROG_TYPE_KPROBE with a
 * return probe). Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u64);
} open_errors SEC(".maps");

// @expect count_open_errors accept
SEC("kretprobe/do_sys_openat2")
int count_open_errors(struct pt_regs *ctx)
{
	long ret = PT_REGS_RC(ctx);
	__u32 err;
	__u64 *count;

	if (ret >= 0 || ret < -511)
		return 0;
	err = -ret;
	count = bpf_map_lookup_elem(&open_errors, &err);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
