/* socket filter that passes an array map (not a prog_array) to bpf_tail_call.
 * A tail call jumps to a program taken from the map, so the map must be a
 * BPF_MAP_TYPE_PROG_ARRAY; anything else would make the kernel jump through
 * data. Rejected: wrong map type for the tail-call argument. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} not_progs SEC(".maps");

// @expect tail_call_into_array reject: expected prog array map for tail call
SEC("socket")
int tail_call_into_array(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &not_progs, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
