/* XDP program that indexes a global array with a signed int checked only
 * against the upper bound (`i < 32`). A negative index (the value comes from a
 * signed byte of the packet) would read before the array, i.e. before the start
 * of the .bss map value. (clang scales the index with a shift, after which the
 * kernel only knows the offset is a multiple of 8 with no lower bound.)
 * Rejected: map value pointer plus an offset with no lower bound. */
#include "corpus.h"

__u64 weights[32];

// @expect weight_by_signed_byte reject: math between map_value pointer and register with unbounded min value is not allowed
SEC("xdp")
int weight_by_signed_byte(struct xdp_md *ctx)
{
	__s8 *data = (void *)(long)ctx->data;
	__s8 *data_end = (void *)(long)ctx->data_end;
	int i;

	if (data + 1 > data_end)
		return XDP_PASS;
	i = *(volatile __s8 *)data;
	if (i < 32)
		return weights[i] > 100 ? XDP_DROP : XDP_PASS;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
