/* tc classifier that takes a bpf_spin_lock in a map value and returns early on
 * one path without releasing it. The lock would stay held forever and the next
 * program to take it would deadlock. Rejected: lock not released at exit. */
#include "corpus.h"

struct flow_stats {
	struct bpf_spin_lock lock;
	__u64 packets;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct flow_stats);
} stats SEC(".maps");

// @expect unlock_forgotten reject: BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region
SEC("tc")
int unlock_forgotten(struct __sk_buff *skb)
{
	__u32 key = skb->ifindex;
	struct flow_stats *s = bpf_map_lookup_elem(&stats, &key);

	if (!s)
		return TC_ACT_OK;
	bpf_spin_lock(&s->lock);
	if (skb->len > 1500)
		return TC_ACT_SHOT;
	s->packets++;
	bpf_spin_unlock(&s->lock);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
