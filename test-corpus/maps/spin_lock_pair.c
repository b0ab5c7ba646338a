/* tc classifier that updates two related counters in a hash map value under a
 * bpf_spin_lock embedded in the value (struct bpf_spin_lock described by BTF).
 * Lock and unlock are paired on every path and no helper is called while the
 * lock is held. Accepted. */
#include "corpus.h"

struct flow_stats {
	struct bpf_spin_lock lock;
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct flow_stats);
} stats SEC(".maps");

// @expect locked_update accept
SEC("tc")
int locked_update(struct __sk_buff *skb)
{
	__u32 key = skb->ifindex;
	struct flow_stats *s = bpf_map_lookup_elem(&stats, &key);

	if (!s)
		return TC_ACT_OK;
	bpf_spin_lock(&s->lock);
	s->packets++;
	s->bytes += skb->len;
	bpf_spin_unlock(&s->lock);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
