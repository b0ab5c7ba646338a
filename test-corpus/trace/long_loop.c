/* raw tracepoints whose loops run far longer than the kernel's verifier can walk. The
 * kernel explores every iteration and gives up after 1M instructions ("BPF program is
 * too large"), so it rejects all three. bpfcheck, when unrolling runs out of budget,
 * summarises each loop at its head and proves it ends: the counter moves by one per
 * iteration within the bound the exit test gives it. It accepts the first two (200000
 * iterations; 64 x 4000 nested) with a warning that the kernel will refuse them, and
 * rejects the third like the kernel: 20 million iterations is more than the 2^23 a
 * loop may run (bpf_loop's limit). */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[64]);
} table SEC(".maps");

// @expect count_long reject: BPF program is too large
SEC("raw_tp/sched_process_fork")
int count_long(void *ctx)
{
	__u32 zero = 0;
	__u64(*t)[64] = bpf_map_lookup_elem(&table, &zero);
	__u64 acc = 0;

	if (!t)
		return 0;
	for (__u64 i = 0; i < 200000; i++)
		acc += i ^ (acc >> 3) ^ (*t)[i & 63];
	(*t)[0] = acc;
	return 0;
}

// @expect nested_long reject: BPF program is too large
SEC("raw_tp/sched_process_fork")
int nested_long(void *ctx)
{
	__u32 zero = 0;
	__u64(*t)[64] = bpf_map_lookup_elem(&table, &zero);
	__u64 acc = 0;

	if (!t)
		return 0;
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 4000; j++)
			acc += (*t)[i] ^ j ^ (acc << 1);
	(*t)[1] = acc;
	return 0;
}

// @expect count_too_long reject: BPF program is too large
SEC("raw_tp/sched_process_fork")
int count_too_long(void *ctx)
{
	__u32 zero = 0;
	__u64(*t)[64] = bpf_map_lookup_elem(&table, &zero);
	__u64 acc = 0;

	if (!t)
		return 0;
	for (__u64 i = 0; i < 20000000; i++)
		acc += i ^ (acc >> 3);
	(*t)[2] = acc;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
