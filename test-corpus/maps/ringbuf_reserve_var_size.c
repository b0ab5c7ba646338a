/* kprobe that reserves a ring buffer record whose size comes from the probed
 * function's argument. bpf_ringbuf_reserve needs a size known at verification
 * time (the verifier types the returned memory with that exact size).
 * Rejected: bad helper argument (size not a constant). */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} rb SEC(".maps");

// @expect reserve_arg_size reject: R2 is not a known constant
SEC("kprobe/vfs_write")
int reserve_arg_size(struct pt_regs *ctx)
{
	__u64 size = PT_REGS_PARM3(ctx) & 1023;
	void *buf = bpf_ringbuf_reserve(&rb, size, 0);

	if (!buf)
		return 0;
	bpf_ringbuf_discard(buf, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
