/* XDP program that casts away the const of a `const volatile` global and writes
 * to it. Global .rodata becomes an array map that libbpf freezes and creates
 * with BPF_F_RDONLY_PROG, so the program may not store into it. Rejected:
 * write into a read-only map. */
#include "corpus.h"

const volatile __u32 max_frame = 1500;

// @expect update_rodata reject: write into map forbidden
SEC("xdp")
int update_rodata(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;

	if (len > max_frame)
		*(volatile __u32 *)&max_frame = len;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
