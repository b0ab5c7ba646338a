/* kprobe that writes into the record returned by bpf_ringbuf_reserve without
 * checking it: the reservation fails (returns NULL) when the ring is full.
 * Rejected: dereference of ringbuf_mem_or_null. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

// @expect reserve_no_null_check reject: R0 invalid mem access 'ringbuf_mem_or_null'
SEC("kprobe/vfs_fsync")
int reserve_no_null_check(struct pt_regs *ctx)
{
	__u64 *slot = bpf_ringbuf_reserve(&rb, sizeof(*slot), 0);

	*slot = 1;
	bpf_ringbuf_submit(slot, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
