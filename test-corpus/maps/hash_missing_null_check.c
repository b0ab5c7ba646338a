/* XDP program that increments a counter in a hash map without checking the
 * result of bpf_map_lookup_elem, which returns NULL when the key is absent.
 * Rejected: dereference of map_value_or_null (missing null check after map
 * lookup). */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} rx_by_queue SEC(".maps");

// @expect count_without_check reject: R0 invalid mem access 'map_value_or_null'
SEC("xdp")
int count_without_check(struct xdp_md *ctx)
{
	__u32 q = ctx->rx_queue_index;
	__u64 *count = bpf_map_lookup_elem(&rx_by_queue, &q);

	*count += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
