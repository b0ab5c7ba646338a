/* iter/task program that reads task->pid without checking the task pointer.
 * The iterator calls the program one last time with task == NULL to signal the
 * end, so the context field is typed as a maybe-NULL BTF pointer. Rejected:
 * dereference of a possibly-NULL pointer. */
#include "corpus_kernel.h"

// @expect task_without_null_check reject: R2 invalid mem access 'trusted_ptr_or_null_'
SEC("iter/task")
int task_without_null_check(struct bpf_iter__task *ctx)
{
	BPF_SEQ_PRINTF(ctx->meta->seq, "%d\n", ctx->task->pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
