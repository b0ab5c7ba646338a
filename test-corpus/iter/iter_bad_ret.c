/* iter/bpf_map program that returns 2. An iterator program returns 0 to
 * continue or 1 to ask the seq_file to retry the element; the kernel enforces
 * the range [0, 1]. Rejected: return value out of range. */
#include "corpus_kernel.h"

// @expect iter_returns_two reject: At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]
SEC("iter/bpf_map")
int iter_returns_two(struct bpf_iter__bpf_map *ctx)
{
	return 2;
}

char LICENSE[] SEC("license") = "GPL";
