/* cgroup_skb/egress program that sums bytes per destination IPv4 address in a
 * BPF_MAP_TYPE_PERCPU_HASH: each CPU updates its own copy of the value, so no
 * atomic is needed. The program sees only the current CPU's value through the
 * lookup pointer. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} bytes_to SEC(".maps");

// @expect bytes_per_daddr accept
SEC("cgroup_skb/egress")
int bytes_per_daddr(struct __sk_buff *skb)
{
	__u32 daddr;
	__u64 *bytes, len = skb->len;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 1;
	if (bpf_skb_load_bytes(skb, offsetof(struct iphdr, daddr), &daddr, sizeof(daddr)))
		return 1;
	bytes = bpf_map_lookup_elem(&bytes_to, &daddr);
	if (bytes)
		*bytes += len;
	else
		bpf_map_update_elem(&bytes_to, &daddr, &len, BPF_NOEXIST);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
