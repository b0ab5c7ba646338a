/* XDP program that only reads a BPF_F_RDONLY_PROG array map holding the action
 * to apply, clamping it to a valid XDP action. Reading a program-read-only map
 * is fine. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} policy SEC(".maps");

// @expect apply_policy accept
SEC("xdp")
int apply_policy(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 *action = bpf_map_lookup_elem(&policy, &key);

	if (!action || *action > XDP_REDIRECT)
		return XDP_PASS;
	return *action;
}

char LICENSE[] SEC("license") = "GPL";
