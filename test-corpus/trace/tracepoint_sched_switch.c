/* tracepoint sched/sched_switch program that accumulates, per CPU, how often
 * each task is switched in, keyed by pid in an LRU hash. The context layout is
 * declared locally from the tracepoint's format file (common header, then
 * prev_comm/prev_pid/... at fixed offsets). Exercises
 * BPF_PROG_TYPE_TRACEPOINT reads at several offsets and
 * BPF_MAP_TYPE_LRU_HASH. Accepted. */
#include "corpus.h"

struct sched_switch_args {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;
	char prev_comm[16];
	__s32 prev_pid;
	__s32 prev_prio;
	__s64 prev_state;
	char next_comm[16];
	__s32 next_pid;
	__s32 next_prio;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __s32);
	__type(value, __u64);
} switch_ins SEC(".maps");

// @expect count_switch_ins accept
SEC("tracepoint/sched/sched_switch")
int count_switch_ins(struct sched_switch_args *ctx)
{
	__s32 pid = ctx->next_pid;
	__u64 one = 1, *count;

	if (pid == 0 || ctx->next_comm[0] == 0)
		return 0;
	count = bpf_map_lookup_elem(&switch_ins, &pid);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&switch_ins, &pid, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
