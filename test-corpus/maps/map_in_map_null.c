/* socket filter that uses the inner map returned by an array-of-maps lookup
 * without checking it: an outer slot may be empty, in which case the lookup
 * returns NULL. Rejected: the inner-map argument is still maybe-NULL (the
 * kernel types an outer lookup's result as map_value_or_null until it is
 * checked, then as the inner map pointer) where the helper needs a map. */
#include "corpus.h"

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
};

struct inner inner0 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { [0] = &inner0 },
};

// @expect inner_without_check reject: R1 type=map_value_or_null expected=map_ptr
SEC("socket")
int inner_without_check(struct __sk_buff *skb)
{
	__u32 slot = skb->ifindex & 7, key = 0;
	void *inner = bpf_map_lookup_elem(&outer, &slot);
	__u32 *v = bpf_map_lookup_elem(inner, &key);

	return v ? *v : 0;
}

char LICENSE[] SEC("license") = "GPL";
