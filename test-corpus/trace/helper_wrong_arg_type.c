/* kprobe that passes its pt_regs context as the key of bpf_map_update_elem.
 * A map key must be memory the verifier can size-check (stack, map value,
 * packet, ...); the context is none of these (its fields are rewritten loads,
 * not plain memory). Rejected: helper argument of the wrong pointer type. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u64);
	__type(value, __u64);
} seen SEC(".maps");

// @expect ctx_as_key reject: R2 type=ctx expected=
SEC("kprobe/vfs_read")
int ctx_as_key(struct pt_regs *ctx)
{
	__u64 one = 1;

	bpf_map_update_elem(&seen, ctx, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
