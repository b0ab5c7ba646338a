/* iter/task program that lists kernel threads (PF_KTHREAD) with pid and comm.
 * The task pointer is NULL on the last call and must be checked. Accepted. */
#include "corpus_kernel.h"

// @expect list_kthreads accept
SEC("iter/task")
int list_kthreads(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	if (!(task->flags & 0x00200000 /* PF_KTHREAD */))
		return 0;
	BPF_SEQ_PRINTF(ctx->meta->seq, "%d %s\n", task->pid, task->comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
