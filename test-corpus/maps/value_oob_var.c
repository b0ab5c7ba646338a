/* tc classifier that uses the packet's DSCP (6 bits, 0..63) as an index into a
 * 32-slot u64 array stored in a single map value. The index is bounded by the
 * shift/mask to 63, not to 31, so slots 32..63 would land past the 256-byte
 * value. Rejected: out-of-bounds map value access at a variable offset. */
#include "corpus.h"

struct dscp_stats {
	__u64 slot[32];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dscp_stats);
} by_dscp SEC(".maps");

// @expect count_by_dscp reject: invalid access to map value, value_size=256 off=504 size=8
SEC("tc")
int count_by_dscp(struct __sk_buff *skb)
{
	__u8 tos = 0;
	__u32 key = 0;
	struct dscp_stats *s;

	bpf_skb_load_bytes(skb, ETH_HLEN + offsetof(struct iphdr, tos), &tos, 1);
	s = bpf_map_lookup_elem(&by_dscp, &key);
	if (!s)
		return TC_ACT_OK;
	s->slot[tos >> 2] += 1;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
