/* The fixed version of value_oob_var: the DSCP index is masked to 0..31 before
 * it is used, so every element of the 32-slot array inside the map value is in
 * range. Accepted: variable-offset map value access with a proven bound. */
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

// @expect count_by_dscp_masked accept
SEC("tc")
int count_by_dscp_masked(struct __sk_buff *skb)
{
	__u8 tos = 0;
	__u32 key = 0;
	struct dscp_stats *s;

	bpf_skb_load_bytes(skb, ETH_HLEN + offsetof(struct iphdr, tos), &tos, 1);
	s = bpf_map_lookup_elem(&by_dscp, &key);
	if (!s)
		return TC_ACT_OK;
	s->slot[(tos >> 2) & 31] += 1;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
