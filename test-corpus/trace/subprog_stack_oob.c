/* kprobe whose static subprogram writes 16 bytes through a pointer to an 8-byte
 * object in the caller's frame. BPF-to-BPF calls keep pointers into the
 * caller's stack precise, so the write beyond the caller's variable (and past
 * the top of its frame) is caught. Rejected: stack out of bounds. */
#include "corpus.h"

static __noinline void zero16(char *p)
{
	__builtin_memset(p, 0, 16);
}

// @expect zero_too_much reject: invalid write to stack R1 off=7 size=1
SEC("kprobe/vfs_write")
int zero_too_much(struct pt_regs *ctx)
{
	__u64 small = 1;

	zero16((char *)&small);
	return small != 0;
}

char LICENSE[] SEC("license") = "GPL";
