/* socket filter whose map is declared the pre-BTF way: a `struct bpf_map_def`
 * placed in SEC("maps") (type/key_size/value_size/max_entries/map_flags, no
 * BTF types). libbpf 1.x refuses such objects, but older loaders (iproute2,
 * libbpf 0.x, custom loaders) still produce them, so a checker must read them.
 * The program counts packets per protocol in the array. Accepted (checked with
 * a minimal raw loader: create the map, patch the ld_imm64 relocation to the
 * map fd, BPF_PROG_LOAD). */
#include "corpus.h"

struct bpf_map_def SEC("maps") proto_count = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 256,
	.map_flags = 0,
};

// @expect count_protocols accept
SEC("socket")
int count_protocols(struct __sk_buff *skb)
{
	__u8 proto = 0;
	__u32 key;
	__u64 *count;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	bpf_skb_load_bytes(skb, ETH_HLEN + offsetof(struct iphdr, protocol), &proto, 1);
	key = proto;
	count = bpf_map_lookup_elem(&proto_count, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
