/* Kernel pointers (kptrs) stored in map values. A `__kptr` field holds a
 * reference: bpf_kptr_xchg moves an object the program holds a reference to
 * into the map and hands back, with its reference, whatever was there, which
 * the program must then release; a plain store into it is refused. Reading the
 * field gives an RCU pointer (task_struct is freed after a grace period), which
 * may be NULL and holds no reference. A `__kptr_untrusted` field is set by
 * plain stores and read as an untrusted pointer; bpf_kptr_xchg refuses it. The
 * kptr's eight bytes are read and written whole, never by helpers. */
#include "corpus_kernel.h"

/* libbpf 1.1 predates the kernel's name for unreferenced kptrs. */
#define __kptr_untrusted __attribute__((btf_type_tag("kptr_untrusted")))

extern struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern struct cgroup *bpf_cgroup_from_id(__u64 cgid) __ksym;
extern void bpf_cgroup_release(struct cgroup *cgrp) __ksym;

struct stash {
	__u64 seen;
	struct task_struct __kptr *task;
	struct task_struct __kptr_untrusted *hint;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stash);
} stashes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stash);
} copies SEC(".maps");

static struct stash *first_stash(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&stashes, &key);
}

// @expect stash_task accept
SEC("tc")
int stash_task(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct task_struct *task, *old;

	if (!slot)
		return 0;
	task = bpf_task_from_pid(1);
	if (!task)
		return 0;
	old = bpf_kptr_xchg(&slot->task, task);
	if (old)
		bpf_task_release(old);
	return 0;
}

// @expect take_back accept
SEC("tc")
int take_back(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct task_struct *old;

	if (!slot)
		return 0;
	old = bpf_kptr_xchg(&slot->task, NULL);
	if (!old)
		return 0;
	slot->seen = old->pid;
	bpf_task_release(old);
	return 0;
}

// @expect old_task_leaked reject: Unreleased reference
SEC("tc")
int old_task_leaked(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct task_struct *task;

	if (!slot)
		return 0;
	task = bpf_task_from_pid(1);
	if (!task)
		return 0;
	bpf_kptr_xchg(&slot->task, task);
	return 0;
}

// @expect stored_task_used reject: invalid mem access 'scalar'
SEC("tc")
int stored_task_used(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct task_struct *task, *old;

	if (!slot)
		return 0;
	task = bpf_task_from_pid(1);
	if (!task)
		return 0;
	old = bpf_kptr_xchg(&slot->task, task);
	if (old)
		bpf_task_release(old);
	return task->pid;
}

// @expect read_under_rcu accept
SEC("tc")
int read_under_rcu(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct task_struct *task;

	if (!slot)
		return 0;
	task = slot->task;
	if (!task)
		return 0;
	return task->pid == 1;
}

// @expect read_then_released reject: R1 must be referenced or trusted
SEC("tc")
int read_then_released(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct task_struct *task;

	if (!slot)
		return 0;
	task = slot->task;
	if (task)
		bpf_task_release(task);
	return 0;
}

// @expect plain_store_referenced reject: store to referenced kptr disallowed
SEC("tc")
int plain_store_referenced(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct task_struct *task;

	if (!slot)
		return 0;
	task = bpf_task_from_pid(1);
	if (!task)
		return 0;
	slot->task = task;
	bpf_task_release(task);
	return 0;
}

// @expect plain_store_untrusted accept
SEC("tc")
int plain_store_untrusted(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct task_struct *task;

	if (!slot)
		return 0;
	task = bpf_task_from_pid(1);
	if (!task)
		return 0;
	slot->hint = task;
	bpf_task_release(task);
	return 0;
}

// @expect untrusted_exchanged reject: kptr isn't referenced kptr
SEC("tc")
int untrusted_exchanged(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct task_struct *task, *old;

	if (!slot)
		return 0;
	task = bpf_task_from_pid(1);
	if (!task)
		return 0;
	old = bpf_kptr_xchg(&slot->hint, task);
	if (old)
		bpf_task_release(old);
	return 0;
}

// @expect wrong_type_exchanged reject: invalid kptr access, R2 type=
SEC("tc")
int wrong_type_exchanged(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct cgroup *cgroup;
	void *old;

	if (!slot)
		return 0;
	cgroup = bpf_cgroup_from_id(1);
	if (!cgroup)
		return 0;
	old = bpf_kptr_xchg(&slot->task, (struct task_struct *)cgroup);
	if (old)
		bpf_task_release(old);
	return 0;
}

// @expect unchecked_exchanged reject: Possibly NULL pointer passed to helper arg2
SEC("tc")
int unchecked_exchanged(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	struct task_struct *task, *old;

	if (!slot)
		return 0;
	task = bpf_task_from_pid(1);
	old = bpf_kptr_xchg(&slot->task, task);
	if (old)
		bpf_task_release(old);
	return 0;
}

// @expect half_read reject: kptr access size must be BPF_DW
SEC("tc")
int half_read(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();

	if (!slot)
		return 0;
	return *(volatile __u32 *)&slot->task != 0;
}

// @expect value_copied_by_helper reject: kptr cannot be accessed indirectly by helper
SEC("tc")
int value_copied_by_helper(struct __sk_buff *skb)
{
	struct stash *slot = first_stash();
	__u32 key = 0;

	if (!slot)
		return 0;
	bpf_map_update_elem(&copies, &key, slot, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
