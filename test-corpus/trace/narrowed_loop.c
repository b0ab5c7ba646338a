/* Raw tracepoints that walk a record of up to 131070 items (the sum of two 16-bit counts),
 * stopping early on a zero, then mark the slot where they stopped. count_then_mark's slot
 * is at most 131070 and the marks have 131071 bytes: safe. The kernel walks every iteration
 * and gives up ("The sequence of 8193 jumps is too complex"). bpfcheck summarises the loop
 * when walking it runs out of budget: the widening at its head keeps only the bits the
 * counter can have (below 131072), one value too many for the marks, so that analysis
 * refuses the write; a descending step then narrows the head to the values that reach it
 * (at most 131070) and proves the program safe. count_past_marks marks one slot further,
 * which can be past the end: refused by both. */
#include "corpus.h"

struct record {
	__u16 first_count;
	__u16 second_count;
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
	__type(value, __u8[131071]);
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

// @expect count_then_mark reject: The sequence of 8193 jumps is too complex
SEC("raw_tp/sched_process_fork")
int count_then_mark(void *ctx)
{
	return walk(0);
}

// @expect count_past_marks reject: The sequence of 8193 jumps is too complex
SEC("raw_tp/sched_process_fork")
int count_past_marks(void *ctx)
{
	return walk(1);
}

char LICENSE[] SEC("license") = "GPL";
