/* XDP program that advances the pointer returned by a hash lookup to its second
 * field before testing it for NULL. Arithmetic on a maybe-NULL pointer would
 * turn NULL into a non-NULL bogus address that a later check cannot catch.
 * Rejected: pointer arithmetic on map_value_or_null. */
#include "corpus.h"

struct pair {
	__u64 first;
	__u64 second;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct pair);
} pairs SEC(".maps");

// @expect offset_before_check reject: R1 pointer arithmetic on map_value_or_null prohibited, null-check it first
SEC("xdp")
int offset_before_check(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index;
	__u64 *second;

	second = (__u64 *)((char *)bpf_map_lookup_elem(&pairs, &key) + 8);
	asm volatile("" : "+r"(second));
	if ((char *)second == (char *)8)
		return XDP_PASS;
	return *second ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
