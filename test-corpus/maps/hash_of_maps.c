/* cgroup_skb/egress program that keeps per-tenant byte counters: a
 * BPF_MAP_TYPE_HASH_OF_MAPS maps a tenant id (the skb mark) to that tenant's
 * array of counters. Two tenants (ids 1 and 2) are pre-populated from the
 * object with `.values`. Outer and inner lookups are both null-checked.
 * Accepted. */
#include "corpus.h"

struct tenant_counters {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
};

struct tenant_counters tenant_a SEC(".maps");
struct tenant_counters tenant_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 64);
	__type(key, __u32);
	__array(values, struct tenant_counters);
} tenants SEC(".maps") = {
	.values = { [1] = &tenant_a, [2] = &tenant_b },
};

// @expect count_tenant_bytes accept
SEC("cgroup_skb/egress")
int count_tenant_bytes(struct __sk_buff *skb)
{
	__u32 tenant = skb->mark, key = 0;
	void *counters = bpf_map_lookup_elem(&tenants, &tenant);
	__u64 *bytes;

	if (!counters)
		return 1;
	bytes = bpf_map_lookup_elem(counters, &key);
	if (bytes)
		__sync_fetch_and_add(bytes, skb->len);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
