/* XDP program that reserves 4 bytes of metadata in front of the frame with
 * bpf_xdp_adjust_meta and stores a mark there for a later tc program. Access to
 * data_meta must be checked against data (not data_end). Accepted. */
#include "corpus.h"

// @expect stamp_meta accept
SEC("xdp")
int stamp_meta(struct xdp_md *ctx)
{
	void *data, *meta;
	__u32 *mark;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(__u32)))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	mark = meta;
	if ((void *)(mark + 1) > data)
		return XDP_PASS;
	*mark = 0xfeed;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
