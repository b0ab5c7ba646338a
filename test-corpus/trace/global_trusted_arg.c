/* Global functions taking trusted kernel pointers (`__arg_trusted`, with
 * `__arg_nullable` when NULL may be passed). Verified on their own, they may
 * read through the pointer as through any trusted task_struct pointer; the
 * caller must pass one (bpf_get_current_task_btf() returns one), and may pass
 * NULL only where the argument is nullable. */
#include "corpus_kernel.h"

#define __arg_trusted __attribute__((btf_decl_tag("arg:trusted")))
#define __arg_nullable __attribute__((btf_decl_tag("arg:nullable")))

__noinline int task_tgid(struct task_struct *task __arg_trusted)
{
	return task->tgid;
}

__noinline int task_tgid_or_zero(struct task_struct *task __arg_trusted __arg_nullable)
{
	if (!task)
		return 0;
	return task->tgid;
}

// @expect tgid_of_current accept
SEC("kprobe/do_nanosleep")
int tgid_of_current(void *ctx)
{
	return task_tgid(bpf_get_current_task_btf()) + task_tgid_or_zero(0);
}

// @expect tgid_of_null reject: R1 type=scalar expected=ptr_, trusted_ptr_, rcu_ptr_
SEC("kprobe/do_nanosleep")
int tgid_of_null(void *ctx)
{
	return task_tgid(0);
}

char LICENSE[] SEC("license") = "GPL";
