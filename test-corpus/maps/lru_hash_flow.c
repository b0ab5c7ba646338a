/* XDP program that remembers the last-seen timestamp of each UDP flow in a
 * BPF_MAP_TYPE_LRU_HASH keyed by a 12-byte struct built from the headers (a
 * key with explicit padding zeroed). Old flows are evicted by the LRU.
 * Accepted. */
#include "corpus.h"

struct flow {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow);
	__type(value, __u64);
} last_seen SEC(".maps");

// @expect touch_flow accept
SEC("xdp")
int touch_flow(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + ETH_HLEN;
	struct udphdr *udp = (void *)(iph + 1);
	struct flow f = {};
	__u64 now = bpf_ktime_get_ns();

	if ((void *)(udp + 1) > data_end || iph->protocol != IPPROTO_UDP)
		return XDP_PASS;
	f.saddr = iph->saddr;
	f.daddr = iph->daddr;
	f.sport = udp->source;
	f.dport = udp->dest;
	bpf_map_update_elem(&last_seen, &f, &now, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
