/* socket filter that calls bpf_tail_call with a pointer to its stack instead
 * of its context as the first argument. The callee will run with whatever it
 * receives as its context, so the kernel insists on the program's own ctx.
 * Rejected: tail-call argument of the wrong type. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jump_table SEC(".maps");

// @expect tail_call_with_stack_ctx reject: R1 type=fp expected=ctx
SEC("socket")
int tail_call_with_stack_ctx(struct __sk_buff *skb)
{
	__u64 fake_ctx[4] = {};

	bpf_tail_call(fake_ctx, &jump_table, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
