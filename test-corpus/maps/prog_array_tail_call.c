/* XDP dispatcher that tail-calls into per-protocol programs through a
 * BPF_MAP_TYPE_PROG_ARRAY whose slots are filled at load time from the object
 * itself (`.values = { [6] = ..., [17] = ... }`). bpf_tail_call only returns
 * if the slot is empty, so the dispatcher falls through to XDP_PASS. The two
 * targets are auxiliary programs of the same type, verified on their own.
 * All three accepted. Because the map's initial values name the two targets,
 * the object must be loaded as a whole (@load-together): a loader that loads
 * only one program cannot fill the slots (libbpf fails with EBADF). */
#include "corpus.h"

// @load-together

int handle_tcp(struct xdp_md *ctx);
int handle_udp(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 256);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} by_proto SEC(".maps") = {
	.values = {
		[IPPROTO_TCP] = (void *)&handle_tcp,
		[IPPROTO_UDP] = (void *)&handle_udp,
	},
};

__u64 tcp_frames = 0, udp_frames = 0;

// @expect handle_tcp accept
SEC("xdp")
int handle_tcp(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&tcp_frames, 1);
	return XDP_PASS;
}

// @expect handle_udp accept
SEC("xdp")
int handle_udp(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&udp_frames, 1);
	return XDP_PASS;
}

// @expect dispatch_by_proto accept
SEC("xdp")
int dispatch_by_proto(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *iph = data + ETH_HLEN;

	if ((void *)(iph + 1) > data_end)
		return XDP_PASS;
	bpf_tail_call(ctx, &by_proto, iph->protocol);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
