/* kprobe that records user-space stacks as (build-id, offset) pairs: the
 * stack_trace map is created with BPF_F_STACK_BUILD_ID, so each value is an
 * array of struct bpf_stack_build_id instead of raw addresses, and
 * bpf_get_stackid is called with BPF_F_USER_STACK. Exercises map_flags on a
 * stack_trace map. Accepted. */
#include "corpus.h"

#define MAX_DEPTH 16

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_STACK_BUILD_ID);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_DEPTH * sizeof(struct bpf_stack_build_id));
} user_stacks SEC(".maps");

// @expect user_stack_by_build_id accept
SEC("kprobe/do_sys_openat2")
int user_stack_by_build_id(struct pt_regs *ctx)
{
	bpf_get_stackid(ctx, &user_stacks, BPF_F_USER_STACK);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
