/* XDP program whose map value is a struct of two u32 counters (8 bytes) but
 * which writes a third u32 at offset 8. Rejected: out-of-bounds map value
 * access at a constant offset. */
#include "corpus.h"

struct counters {
	__u32 packets;
	__u32 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct counters);
} stats SEC(".maps");

// @expect write_past_value reject: invalid access to map value, value_size=8 off=8 size=4
SEC("xdp")
int write_past_value(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct counters *c = bpf_map_lookup_elem(&stats, &key);

	if (!c)
		return XDP_PASS;
	c->packets++;
	((__u32 *)c)[2] = ctx->data_end - ctx->data;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
