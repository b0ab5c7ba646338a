/* kprobe that reserves a ring buffer record larger than the whole ring (4 KiB ring, 8 KiB
 * record). The verifier does not compare the two: bpf_ringbuf_reserve returns NULL at run
 * time, and the program handles NULL. Accepted (the running kernel agrees). */
#include "corpus.h"

struct big_record {
	__u8 bytes[8192];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} small_ring SEC(".maps");

// @expect reserve_more_than_ring accept
SEC("kprobe/do_unlinkat")
int reserve_more_than_ring(struct pt_regs *ctx)
{
	struct big_record *record = bpf_ringbuf_reserve(&small_ring, sizeof(*record), 0);

	if (!record)
		return 0;
	record->bytes[0] = 1;
	bpf_ringbuf_submit(record, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
