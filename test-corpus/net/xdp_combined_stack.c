/* XDP program whose main function keeps a 320-byte buffer on its stack and
 * calls a __noinline subprogram that needs another 320 bytes. BPF-to-BPF calls
 * share one 512-byte stack budget in program types without private stacks
 * (XDP, tc, socket filters...), and 320 + 320 exceeds it even though each frame
 * alone fits. Rejected: combined stack size of the call chain too large. */
#include "corpus.h"

static __noinline int checksum_copy(struct xdp_md *ctx, const __u8 *first)
{
	__u8 tmp[320];

	if (bpf_xdp_load_bytes(ctx, 0, tmp, sizeof(tmp)))
		return 0;
	return tmp[0] ^ tmp[319] ^ first[0];
}

// @expect two_big_frames reject: combined stack size of 2 calls is 640. Too large
SEC("xdp")
int two_big_frames(struct xdp_md *ctx)
{
	__u8 buf[320];

	if (bpf_xdp_load_bytes(ctx, 0, buf, sizeof(buf)))
		return XDP_PASS;
	return checksum_copy(ctx, buf) == buf[5] ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
