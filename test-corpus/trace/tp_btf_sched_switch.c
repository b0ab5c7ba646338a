/* tp_btf/sched_switch program (BTF-enabled raw tracepoint,
 * BPF_PROG_TYPE_TRACING with BPF_TRACE_RAW_TP). Its arguments are typed by the
 * kernel's BTF, so `next` is a trusted struct task_struct pointer whose fields
 * can be read with plain loads (no probe-read), with CO-RE-relocated offsets.
 * Loads on this machine (unlike fentry). Accepted. */
#include "corpus_kernel.h"

__u64 kernel_thread_switches = 0;

// @expect switch_to_kthread accept
SEC("tp_btf/sched_switch")
int BPF_PROG(switch_to_kthread, int preempt, struct task_struct *prev, struct task_struct *next)
{
	if (next->flags & 0x00200000 /* PF_KTHREAD */)
		__sync_fetch_and_add(&kernel_thread_switches, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
