/* raw_tp/sys_exit program that reads args[12]. A raw tracepoint context holds at
 * most MAX_BPF_FUNC_ARGS (12) u64 arguments, so byte offset 96 lies outside
 * every possible raw tracepoint context (the per-tracepoint argument count is
 * checked again at attach time). Rejected: context access out of range. */
#include "corpus.h"

// @expect read_thirteenth_arg reject: invalid bpf_context access off=96 size=8
SEC("raw_tp/sys_exit")
int read_thirteenth_arg(struct bpf_raw_tracepoint_args *ctx)
{
	return ctx->args[12] != 0;
}

char LICENSE[] SEC("license") = "GPL";
