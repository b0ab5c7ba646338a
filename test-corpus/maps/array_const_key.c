/* socket filter that reads a configuration word from index 0 of an array map
 * without a NULL check. For array maps the kernel inlines the lookup; with a
 * constant key below max_entries it knows the result is non-NULL and types R0
 * as map_value (a privileged-loader rule). Accepted as root. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} config SEC(".maps");

// @expect snaplen_from_config accept
SEC("socket")
int snaplen_from_config(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u32 *snaplen = bpf_map_lookup_elem(&config, &key);

	return *snaplen;
}

char LICENSE[] SEC("license") = "GPL";
