/* kprobe that copies a kernel buffer into a 64-byte stack array with a length
 * taken from a global set by user space (a u32 in .bss) and never checked. The
 * 32-bit load bounds it to [0, 4G) but not to the 64-byte buffer; a helper's
 * size argument must be provably within the destination. Rejected: bad helper
 * argument (unbounded size). */
#include "corpus.h"

__u32 copy_len = 0;
__u64 checksum = 0;

// @expect copy_configured_len reject: R2 unbounded memory access, use 'var &= const' or 'if (var < const)'
SEC("kprobe/vfs_write")
int copy_configured_len(struct pt_regs *ctx)
{
	__u8 buf[64];

	if (bpf_probe_read_kernel(buf, copy_len, (void *)PT_REGS_PARM2(ctx)))
		return 0;
	checksum += buf[0];
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
