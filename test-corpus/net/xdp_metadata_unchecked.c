/* XDP program that writes into the metadata area without comparing data_meta
 * against data. The metadata area may be empty (bpf_xdp_adjust_meta was not
 * called or failed), so the write is not proven to be in bounds. Rejected:
 * missing bound check on a packet metadata pointer. */
#include "corpus.h"

// @expect meta_unchecked reject: invalid access to packet, off=0 size=4, R1(id=0,off=0,r=0)
SEC("xdp")
int meta_unchecked(struct xdp_md *ctx)
{
	__u32 *mark = (void *)(long)ctx->data_meta;

	*mark = 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
