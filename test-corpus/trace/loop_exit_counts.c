/* Raw tracepoints that walk a record of items, stopping early on a zero, then mark the slot
 * where they stopped. Every exit of the loop reaches the mark with its own count.
 * - short_*: the record holds at most 510 items (the sum of two byte-sized counts) and the
 *   marks have 511 bytes. The kernel walks each exit on its own and accepts
 *   short_count_then_mark. bpfcheck joins paths where many meet, which here blurs the
 *   counts; when that costs the verdict it explores path by path, as the kernel does, and
 *   agrees.
 * - long_*: at most 131070 items (two 16-bit counts), marks of 131071 bytes. The kernel
 *   walks every iteration and gives up ("The sequence of 8193 jumps is too complex").
 *   bpfcheck summarises the loop when walking it runs out of budget: the widening at its
 *   head keeps only the bits the counter can have (below 131072), one value too many for
 *   the marks, so that analysis refuses the write; a descending (narrowing) step then
 *   narrows the head to the values that reach it (at most 131070) and proves
 *   long_count_then_mark safe.
 * - *_past_marks mark one slot further, which is past the end when every item is read:
 *   refused by both. */
#include "corpus.h"

struct short_record {
	__u8 first_count;
	__u8 second_count;
	__u64 items[64];
};

struct long_record {
	__u16 first_count;
	__u16 second_count;
	__u64 items[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct short_record);
} short_records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[511]);
} short_marks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct long_record);
} long_records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[131071]);
} long_marks SEC(".maps");

/* Walks `count` items, stopping early on a zero, then marks slot i + past. */
static __always_inline int walk(__u64 count, const __u64 *items, __u8 *marks, int past)
{
	__u64 acc = 0, i;

	for (i = 0; i < count; i++) {
		acc = (acc << 1) ^ items[i & 63] ^ i;
		if (acc == 0)
			break;
	}
	marks[i + past] = 1;
	return acc & 1;
}

static __always_inline int walk_short(int past)
{
	__u32 zero = 0;
	struct short_record *r = bpf_map_lookup_elem(&short_records, &zero);
	__u8 *m = bpf_map_lookup_elem(&short_marks, &zero);

	if (!r || !m)
		return 0;
	return walk((__u64)r->first_count + r->second_count, r->items, m, past);
}

static __always_inline int walk_long(int past)
{
	__u32 zero = 0;
	struct long_record *r = bpf_map_lookup_elem(&long_records, &zero);
	__u8 *m = bpf_map_lookup_elem(&long_marks, &zero);

	if (!r || !m)
		return 0;
	return walk((__u64)r->first_count + r->second_count, r->items, m, past);
}

// @expect short_count_then_mark accept
SEC("raw_tp/sched_process_fork")
int short_count_then_mark(void *ctx)
{
	return walk_short(0);
}

// @expect short_count_past_marks reject: invalid access to map value, value_size=511 off=511 size=1
SEC("raw_tp/sched_process_fork")
int short_count_past_marks(void *ctx)
{
	return walk_short(1);
}

// @expect long_count_then_mark reject: The sequence of 8193 jumps is too complex
SEC("raw_tp/sched_process_fork")
int long_count_then_mark(void *ctx)
{
	return walk_long(0);
}

// @expect long_count_past_marks reject: The sequence of 8193 jumps is too complex
SEC("raw_tp/sched_process_fork")
int long_count_past_marks(void *ctx)
{
	return walk_long(1);
}

char LICENSE[] SEC("license") = "GPL";
