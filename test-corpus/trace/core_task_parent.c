/* kprobe that walks current->real_parent->tgid with BPF_CORE_READ. The task
 * pointer from bpf_get_current_task is an untyped scalar, so each hop is a
 * bpf_probe_read_kernel whose field offset is a CO-RE relocation resolved
 * against the running kernel's BTF (struct task_struct is a local mirror with
 * preserve_access_index). Accepted (GPL: both helpers are GPL-only). */
#include "corpus_kernel.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} parent_of SEC(".maps");

// @expect record_parent accept
SEC("kprobe/do_exit")
int record_parent(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = BPF_CORE_READ(task, tgid);
	__u32 ppid = BPF_CORE_READ(task, real_parent, tgid);

	bpf_map_update_elem(&parent_of, &tgid, &ppid, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
