/* kprobe in a program licensed "MIT" that prints with bpf_printk, which expands
 * to bpf_trace_printk. bpf_trace_printk is GPL-only (it exposes kernel data to
 * the trace pipe). Rejected: GPL-only helper with a non-GPL licence. */
#include "corpus.h"

// @expect printk_nongpl reject: cannot call GPL-restricted function from non-GPL compatible program
SEC("kprobe/vfs_write")
int printk_nongpl(struct pt_regs *ctx)
{
	bpf_printk("vfs_write count=%lu", PT_REGS_PARM3(ctx));
	return 0;
}

char LICENSE[] SEC("license") = "MIT";
