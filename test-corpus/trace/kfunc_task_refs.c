/* Tracepoint programs that take references to tasks and cgroups through
 * kernel functions (kfuncs) and must give each back exactly once.
 * bpf_task_from_pid and bpf_cgroup_from_id acquire a reference or return NULL
 * (KF_ACQUIRE | KF_RET_NULL); bpf_task_acquire (KF_RCU) also takes an
 * RCU-protected pointer such as task->real_parent, not a plain one such as
 * task->parent; the release kfuncs take trusted arguments, so NULL must be
 * ruled out first. Raw tracepoints are not among the program types the generic
 * kfunc set is registered for. */
#include "corpus_kernel.h"

extern struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern struct cgroup *bpf_cgroup_from_id(__u64 cgid) __ksym;
extern void bpf_cgroup_release(struct cgroup *cgrp) __ksym;

__u32 seen_pid = 0;

// @expect pid_balanced accept
SEC("tracepoint/syscalls/sys_enter_getpid")
int pid_balanced(void *ctx)
{
	struct task_struct *init = bpf_task_from_pid(1);

	if (!init)
		return 0;
	seen_pid = init->pid;
	bpf_task_release(init);
	return 0;
}

// @expect parent_acquired accept
SEC("tracepoint/syscalls/sys_enter_getpid")
int parent_acquired(void *ctx)
{
	struct task_struct *current = bpf_get_current_task_btf();
	struct task_struct *parent = bpf_task_acquire(current->real_parent);

	if (!parent)
		return 0;
	seen_pid = parent->pid;
	bpf_task_release(parent);
	return 0;
}

// @expect plain_pointer_acquired reject: must be a rcu pointer
SEC("tracepoint/syscalls/sys_enter_getpid")
int plain_pointer_acquired(void *ctx)
{
	struct task_struct *current = bpf_get_current_task_btf();
	struct task_struct *parent = bpf_task_acquire(current->parent);

	if (parent)
		bpf_task_release(parent);
	return 0;
}

// @expect release_unchecked reject: Possibly NULL pointer passed to trusted arg0
SEC("tracepoint/syscalls/sys_enter_getpid")
int release_unchecked(void *ctx)
{
	struct task_struct *init = bpf_task_from_pid(1);

	bpf_task_release(init);
	return 0;
}

// @expect leak_when_odd reject: Unreleased reference
SEC("tracepoint/syscalls/sys_enter_getpid")
int leak_when_odd(void *ctx)
{
	struct task_struct *init = bpf_task_from_pid(1);

	if (!init)
		return 0;
	if (bpf_get_prandom_u32() & 1)
		return 0;
	bpf_task_release(init);
	return 0;
}

// @expect read_after_release reject: invalid mem access 'scalar'
SEC("tracepoint/syscalls/sys_enter_getpid")
int read_after_release(void *ctx)
{
	struct task_struct *init = bpf_task_from_pid(1);

	if (!init)
		return 0;
	bpf_task_release(init);
	seen_pid = init->pid;
	return 0;
}

// @expect cgroup_balanced accept
SEC("tracepoint/syscalls/sys_enter_getpid")
int cgroup_balanced(void *ctx)
{
	struct cgroup *root = bpf_cgroup_from_id(1);

	if (!root)
		return 0;
	seen_pid = root->level;
	bpf_cgroup_release(root);
	return 0;
}

// @expect cgroup_released_as_task reject: expected pointer to STRUCT task_struct
SEC("tracepoint/syscalls/sys_enter_getpid")
int cgroup_released_as_task(void *ctx)
{
	struct cgroup *root = bpf_cgroup_from_id(1);

	if (!root)
		return 0;
	bpf_task_release((struct task_struct *)root);
	return 0;
}

// @expect raw_tp_not_allowed reject: calling kernel function bpf_task_from_pid is not allowed
SEC("raw_tp/sys_enter")
int raw_tp_not_allowed(void *ctx)
{
	struct task_struct *init = bpf_task_from_pid(1);

	if (init)
		bpf_task_release(init);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
