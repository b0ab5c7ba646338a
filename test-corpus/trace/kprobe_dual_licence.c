/* kprobe licensed "Dual BSD/GPL" that calls the GPL-only bpf_probe_read_kernel
 * on the first argument of vfs_read (a struct file *). "Dual BSD/GPL" is one of
 * the licence strings the kernel treats as GPL compatible, so the GPL-only
 * helper is allowed. Accepted. */
#include "corpus.h"

// @expect peek_kernel_dual accept
SEC("kprobe/vfs_read")
int peek_kernel_dual(struct pt_regs *ctx)
{
	long first_word = 0;

	bpf_probe_read_kernel(&first_word, sizeof(first_word), (void *)PT_REGS_PARM1(ctx));
	return first_word != 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
