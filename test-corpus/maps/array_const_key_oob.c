/* socket filter that reads index 4 of a 4-entry array map without a NULL check.
 * The constant key is out of range, so the lookup returns NULL at run time and
 * the verifier keeps R0 as map_value_or_null. Rejected: missing null check (the
 * non-NULL shortcut only applies to in-range constant keys). */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} config SEC(".maps");

// @expect read_past_last_slot reject: R0 invalid mem access 'map_value_or_null'
SEC("socket")
int read_past_last_slot(struct __sk_buff *skb)
{
	__u32 key = 4;
	__u32 *v = bpf_map_lookup_elem(&config, &key);

	return *v;
}

char LICENSE[] SEC("license") = "GPL";
