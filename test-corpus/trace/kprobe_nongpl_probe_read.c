/* kprobe in a program whose licence is "Proprietary" that calls
 * bpf_probe_read_kernel. Reading arbitrary kernel memory is a GPL-only helper
 * (gpl_only = true in the kernel's helper prototype), so a non-GPL-compatible
 * program may not call it. Rejected: GPL-only helper with a non-GPL licence. */
#include "corpus.h"

// @expect peek_kernel_nongpl reject: cannot call GPL-restricted function from non-GPL compatible program
SEC("kprobe/vfs_read")
int peek_kernel_nongpl(struct pt_regs *ctx)
{
	long first_word = 0;

	bpf_probe_read_kernel(&first_word, sizeof(first_word), (void *)PT_REGS_PARM1(ctx));
	return first_word != 0;
}

char LICENSE[] SEC("license") = "Proprietary";
