/* tp_btf/task_newtask program that calls kernel functions (kfuncs) declared
 * extern __ksym: bpf_task_from_pid acquires a reference to a task (or returns
 * NULL), bpf_task_release drops it. The loader resolves each kfunc by name to
 * its BTF id in the kernel's BTF (a call with src_reg BPF_PSEUDO_KFUNC_CALL).
 * `balanced` null-checks and releases what it acquired: accepted. `leaky` keeps
 * the reference past exit: rejected, the kernel tracks kfunc-acquired
 * references like helper-acquired ones. */
#include "corpus_kernel.h"

extern struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

__u32 init_seen = 0;

// @expect balanced accept
SEC("tp_btf/task_newtask")
int BPF_PROG(balanced, struct task_struct *task, __u64 clone_flags)
{
	struct task_struct *init = bpf_task_from_pid(1);

	if (!init)
		return 0;
	init_seen = init->pid;
	bpf_task_release(init);
	return 0;
}

// @expect leaky reject: Unreleased reference
SEC("tp_btf/task_newtask")
int BPF_PROG(leaky, struct task_struct *task, __u64 clone_flags)
{
	struct task_struct *init = bpf_task_from_pid(1);

	if (!init)
		return 0;
	init_seen = init->pid;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
