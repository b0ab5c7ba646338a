/* kprobe that asks bpf_get_stack for 256 bytes of stack trace into a 128-byte
 * stack buffer. The helper writes up to `size` bytes, so the destination must
 * be at least that large. Rejected: helper memory argument exceeds the stack
 * object (stack out of bounds through a helper). */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} out SEC(".maps");

// @expect stack_overflowing_buffer reject: invalid write to stack R2 off=-128 size=256
SEC("kprobe/vfs_fsync")
int stack_overflowing_buffer(struct pt_regs *ctx)
{
	__u64 ips[16];
	long n = bpf_get_stack(ctx, ips, 256, 0);

	if (n > 0)
		bpf_ringbuf_output(&out, ips, sizeof(ips), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
