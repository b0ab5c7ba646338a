/* tp_btf/sched_switch program that writes into the `next` task_struct it
 * receives as a BTF-typed argument. Tracing programs may read kernel objects
 * through trusted BTF pointers but never store into them. Rejected: write
 * through a read-only BTF pointer. */
#include "corpus_kernel.h"

// @expect rename_next_task reject: only read is supported
SEC("tp_btf/sched_switch")
int BPF_PROG(rename_next_task, int preempt, struct task_struct *prev, struct task_struct *next)
{
	next->comm[0] = 'X';
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
