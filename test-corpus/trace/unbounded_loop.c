/* kprobe whose loop runs up to a count read from an array map, with nothing that
 * bounds that count. The loop's back-edge cannot be bounded: each pass has a
 * different induction value, states never converge, and the verifier walks
 * iterations until it exhausts its 1M-instruction budget. Rejected: unbounded
 * loop. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} limit SEC(".maps");

// @expect spin_to_limit reject: BPF program is too large. Processed 1000001 insn
SEC("kprobe/vfs_fsync")
int spin_to_limit(struct pt_regs *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&limit, &zero);
	__u64 acc = 0;

	if (!n)
		return 0;
	for (__u64 i = 0; i < *n; i++)
		acc += i ^ (acc >> 3);
	return acc & 1;
}

char LICENSE[] SEC("license") = "GPL";
