/* XDP program that writes into the value of an array map created with
 * BPF_F_RDONLY_PROG (user space may write it, BPF programs may only read it).
 * The lookup succeeds but the store through the returned pointer is refused.
 * Rejected: write into a map that is read-only for programs. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} policy SEC(".maps");

// @expect overwrite_policy reject: write into map forbidden
SEC("xdp")
int overwrite_policy(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 *action = bpf_map_lookup_elem(&policy, &key);

	if (!action)
		return XDP_PASS;
	if (*action > XDP_REDIRECT)
		*action = XDP_PASS;
	return *action;
}

char LICENSE[] SEC("license") = "GPL";
