/* tracepoint sched/sched_switch program that overwrites next_pid in its context.
 * A tracepoint's record is shared with every other consumer of the event (perf,
 * ftrace), so BPF tracepoint programs get it read-only. Rejected: write to a
 * read-only context. */
#include "corpus.h"

struct sched_switch_tail {
	__u8 skip[56];
	__s32 next_pid;
};

// @expect hide_next_pid reject: invalid bpf_context access off=56 size=4
SEC("tracepoint/sched/sched_switch")
int hide_next_pid(struct sched_switch_tail *ctx)
{
	ctx->next_pid = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
