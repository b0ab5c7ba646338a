/* Raw tracepoints that walk a record of up to 510 items (the sum of two byte-sized
 * counts), stopping early on a zero, then mark the slot where they stopped. Every exit of
 * the loop reaches the mark with its own count; count_then_mark's slot is at most 510 and
 * the marks have 511 bytes: the kernel, which walks each exit on its own, accepts it.
 * bpfcheck joins paths where many meet, which here blurs the counts; when that costs the
 * verdict it explores path by path, as the kernel does, and agrees. count_past_marks marks
 * one slot further, which is past the end when all 510 items are read: refused by both. */
#include "corpus.h"

struct record {
	__u8 first_count;
	__u8 second_count;
	__u64 items[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct record);
} records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[511]);
} marks SEC(".maps");

static __always_inline int walk(int past)
{
	__u32 zero = 0;
	struct record *r = bpf_map_lookup_elem(&records, &zero);
	__u8 *m = bpf_map_lookup_elem(&marks, &zero);
	__u64 acc = 0, i;

	if (!r || !m)
		return 0;
	__u64 count = (__u64)r->first_count + r->second_count;
	for (i = 0; i < count; i++) {
		acc = (acc << 1) ^ r->items[i & 63] ^ i;
		if (acc == 0)
			break;
	}
	m[i + past] = 1;
	return acc & 1;
}

// @expect count_then_mark accept
SEC("raw_tp/sched_process_fork")
int count_then_mark(void *ctx)
{
	return walk(0);
}

// @expect count_past_marks reject: invalid access to map value, value_size=511 off=511 size=1
SEC("raw_tp/sched_process_fork")
int count_past_marks(void *ctx)
{
	return walk(1);
}

char LICENSE[] SEC("license") = "GPL";
