/* kprobe that writes into a ring buffer record after submitting it. Once
 * submitted, the consumer may already be reading (or have released) the
 * memory. Rejected: use after release. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

struct rec {
	__u64 ts;
	__u64 seq;
};

// @expect write_after_submit reject: R6 invalid mem access 'scalar'
SEC("kprobe/vfs_fsync")
int write_after_submit(struct pt_regs *ctx)
{
	struct rec *r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);

	if (!r)
		return 0;
	r->ts = bpf_ktime_get_ns();
	bpf_ringbuf_submit(r, 0);
	r->seq = 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
