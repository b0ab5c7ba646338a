/* cgroup_skb/ingress program whose drop counter map is pinned by name
 * (__uint(pinning, LIBBPF_PIN_BY_NAME)): the loader reuses the map pinned at
 * <bpffs>/drops_pinned if it exists and pins it there otherwise, so several
 * objects and user space share it. Pinning is a loader concern; the program
 * itself is an ordinary null-checked lookup. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} drops_pinned SEC(".maps");

// @expect drop_fragments accept
SEC("cgroup_skb/ingress")
int drop_fragments(struct __sk_buff *skb)
{
	__u16 frag_off = 0;
	__u32 key = 0;
	__u64 *drops;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 1;
	bpf_skb_load_bytes(skb, offsetof(struct iphdr, frag_off), &frag_off, sizeof(frag_off));
	if (!(frag_off & bpf_htons(0x3fff)))
		return 1;
	drops = bpf_map_lookup_elem(&drops_pinned, &key);
	if (drops)
		__sync_fetch_and_add(drops, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
