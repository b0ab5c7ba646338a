/* kprobe that submits the same ring buffer record twice. The first submit hands
 * the record to the consumer and ends the program's ownership; the verifier
 * then treats every copy of the pointer as an unknown scalar. Rejected: double
 * release. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

// @expect submit_twice reject: R1 type=scalar expected=ringbuf_mem
SEC("kprobe/vfs_fsync")
int submit_twice(struct pt_regs *ctx)
{
	__u64 *slot = bpf_ringbuf_reserve(&rb, sizeof(*slot), 0);

	if (!slot)
		return 0;
	*slot = bpf_ktime_get_ns();
	bpf_ringbuf_submit(slot, 0);
	bpf_ringbuf_submit(slot, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
