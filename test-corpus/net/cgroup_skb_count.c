/* cgroup_skb/ingress program that counts bytes per protocol in an array map and
 * allows every packet (returns 1). Exercises BPF_PROG_TYPE_CGROUP_SKB, whose
 * return value must be 0 (drop) or 1 (allow) on ingress. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} bytes_by_proto SEC(".maps");

// @expect count_ingress accept
SEC("cgroup_skb/ingress")
int count_ingress(struct __sk_buff *skb)
{
	__u8 proto = 0;
	__u32 key;
	__u64 *bytes;

	if (skb->protocol == bpf_htons(ETH_P_IP))
		bpf_skb_load_bytes(skb, offsetof(struct iphdr, protocol), &proto, 1);
	key = proto;
	bytes = bpf_map_lookup_elem(&bytes_by_proto, &key);
	if (bytes)
		__sync_fetch_and_add(bytes, skb->len);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
