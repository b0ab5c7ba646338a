/* socket filter with a legacy SEC("maps") struct bpf_map_def whose value is 8
 * bytes, but which reads 8 bytes at offset 4 of the value. The map's value size
 * comes from the bpf_map_def, not from BTF, so a checker must take it from
 * there. Rejected: out-of-bounds map value access (checked with a minimal raw
 * loader, as libbpf 1.x cannot open legacy maps). */
#include "corpus.h"

struct bpf_map_def SEC("maps") last_len = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

// @expect read_misplaced_u64 reject: invalid access to map value, value_size=8 off=4 size=8
SEC("socket")
int read_misplaced_u64(struct __sk_buff *skb)
{
	__u32 key = 0;
	char *v = bpf_map_lookup_elem(&last_len, &key);

	if (!v)
		return 0;
	return *(__u64 *)(v + 4) > skb->len ? -1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
