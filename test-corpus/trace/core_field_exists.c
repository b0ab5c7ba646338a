/* kprobe that adapts to the running kernel with CO-RE existence checks:
 * bpf_core_field_exists on a field the kernel has (task_struct::tgid) and on one
 * it does not (a ___v2 "flavour" of task_struct with a made-up member), and
 * bpf_core_type_exists on a type that does not exist. libbpf resolves each
 * check to a constant 0/1, and the verifier prunes the dead branches, so the
 * read of the missing field is never verified. bpf_core_field_size is used too.
 * Accepted. */
#include "corpus_kernel.h"

struct task_struct___v2 {
	int pid;
	__u64 corpus_no_such_member;
} __attribute__((preserve_access_index));

struct corpus_type_that_does_not_exist {
	int x;
};

__u64 observed = 0;

// @expect probe_features accept
SEC("kprobe/do_exit")
int probe_features(struct pt_regs *ctx)
{
	void *cur = (void *)bpf_get_current_task();
	struct task_struct *t = cur;
	struct task_struct___v2 *t2 = cur;
	__u64 v = 0;

	if (bpf_core_field_exists(t->tgid))
		v += BPF_CORE_READ(t, tgid);
	if (bpf_core_field_exists(t2->corpus_no_such_member))
		v += BPF_CORE_READ(t2, corpus_no_such_member);
	if (bpf_core_type_exists(struct corpus_type_that_does_not_exist))
		v += 1000;
	v += bpf_core_field_size(t->comm);
	observed = v;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
