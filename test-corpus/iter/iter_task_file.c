/* iter/task_file program that prints, for every open file of every thread-group
 * leader, the pid, fd number and file name (file->f_path.dentry->d_name.name,
 * copied with bpf_probe_read_kernel_str because it is a char pointer). Both
 * task and file are NULL-checked. Accepted. */
#include "corpus_kernel.h"

// @expect list_open_files accept
SEC("iter/task_file")
int list_open_files(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	char name[32];

	if (!task || !file)
		return 0;
	if (task->pid != task->tgid)
		return 0;
	bpf_probe_read_kernel_str(name, sizeof(name), file->f_path.dentry->d_name.name);
	BPF_SEQ_PRINTF(ctx->meta->seq, "%d %u %s\n", task->tgid, ctx->fd, name);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
