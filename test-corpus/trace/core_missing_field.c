/* kprobe that reads a task_struct member that does not exist in the running
 * kernel, without guarding it with bpf_core_field_exists. libbpf cannot resolve
 * the CO-RE relocation, so it poisons the instruction with a call to the
 * invalid helper id 0xbad2310 (195896080) and the kernel refuses it. Rejected:
 * unresolvable CO-RE field access. The kernel reports "invalid func
 * unknown#195896080" at the poisoned call (libbpf rewrites those log lines into
 * "<invalid CO-RE relocation>"; the fragment below is the kernel's own text). */
#include "corpus_kernel.h"

struct task_struct___old {
	int corpus_removed_field;
} __attribute__((preserve_access_index));

// @expect read_removed_field reject: invalid func unknown#195896080
SEC("kprobe/do_exit")
int read_removed_field(struct pt_regs *ctx)
{
	struct task_struct___old *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, corpus_removed_field);
}

char LICENSE[] SEC("license") = "GPL";
