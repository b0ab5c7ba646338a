/* XDP program that picks a per-interface allow-list from a
 * BPF_MAP_TYPE_ARRAY_OF_MAPS (outer slot = ingress ifindex % 4), then looks the
 * source address up in that inner hash map. The outer map is declared with an
 * inner-map template (__array(values, ...)) and two slots pre-filled at load
 * time with `.values = { ... }`. Both lookups are null-checked: the outer one
 * returns a map pointer or NULL, the inner one a value or NULL. Accepted. */
#include "corpus.h"

struct allow_list {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
};

struct allow_list allow_lan SEC(".maps");
struct allow_list allow_wan SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct allow_list);
} allow_by_if SEC(".maps") = {
	.values = { [0] = &allow_lan, [1] = &allow_wan },
};

// @expect filter_by_interface accept
SEC("xdp")
int filter_by_interface(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + ETH_HLEN;
	__u32 slot = ctx->ingress_ifindex % 4;
	__u32 saddr;
	void *inner;

	if ((void *)(iph + 1) > data_end)
		return XDP_PASS;
	inner = bpf_map_lookup_elem(&allow_by_if, &slot);
	if (!inner)
		return XDP_PASS;
	saddr = iph->saddr;
	return bpf_map_lookup_elem(inner, &saddr) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
