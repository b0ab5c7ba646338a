/* socket filter that passes a pointer to a 2-byte stack variable as the key of
 * a map whose keys are 4 bytes. The helper reads key_size bytes from the
 * pointer, i.e. 2 bytes past the variable and past the top of the stack frame.
 * Rejected: helper memory argument out of stack bounds. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} by_port SEC(".maps");

// @expect short_key reject: invalid read from stack R2 off=-2 size=4
SEC("socket")
int short_key(struct __sk_buff *skb)
{
	__u16 port = skb->len;
	__u32 *v;

	v = bpf_map_lookup_elem(&by_port, &port);
	return v ? *v : 0;
}

char LICENSE[] SEC("license") = "GPL";
