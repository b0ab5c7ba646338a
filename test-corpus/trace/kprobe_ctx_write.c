/* kprobe that overwrites the saved first-argument register in pt_regs. kprobe
 * programs observe; their pt_regs context is read-only (changing a probed
 * function's registers needs bpf_override_return on allow-listed functions).
 * Rejected: write to a read-only context. */
#include "corpus.h"

// @expect clobber_arg reject: invalid bpf_context access off=112 size=8
SEC("kprobe/vfs_read")
int clobber_arg(struct pt_regs *ctx)
{
	ctx->rdi = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
