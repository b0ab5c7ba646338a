/* raw tracepoint that uses CO-RE enum relocations: bpf_core_enum_value reads the
 * running kernel's value of enum pid_type::PIDTYPE_TGID and
 * bpf_core_enum_value_exists tests for an enumerator the kernel lacks. Both
 * become constants at load time (the local enum's values are deliberately
 * wrong to show they are not used). bpf_core_type_size is resolved the same
 * way. Accepted. */
#include "corpus_kernel.h"

enum pid_type {
	PIDTYPE_PID = 100,
	PIDTYPE_TGID = 101,
	CORPUS_PIDTYPE_BOGUS = 102,
};

__u64 tgid_enum = 0;
__u64 task_size = 0;

// @expect read_enums accept
SEC("raw_tp/sys_enter")
int read_enums(void *ctx)
{
	tgid_enum = bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);
	if (bpf_core_enum_value_exists(enum pid_type, CORPUS_PIDTYPE_BOGUS))
		tgid_enum += 1000;
	task_size = bpf_core_type_size(struct task_struct);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
