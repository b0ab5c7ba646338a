/* XDP program that uses a one-slot BPF_MAP_TYPE_PERCPU_ARRAY as a per-CPU
 * scratch buffer larger than the 512-byte BPF stack: it copies up to 1 KiB
 * of the frame into it with a bounded loop (direct packet access with a bound
 * check per byte). Accepted. */
#include "corpus.h"

struct frame_copy {
	__u32 len;
	__u8 bytes[1024];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct frame_copy);
} scratch SEC(".maps");

// @expect copy_frame_head accept
SEC("xdp")
int copy_frame_head(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *data_end = (void *)(long)ctx->data_end;
	__u32 zero = 0, i;
	struct frame_copy *buf = bpf_map_lookup_elem(&scratch, &zero);

	if (!buf)
		return XDP_PASS;
	for (i = 0; i < 64; i++) {
		if (data + i + 1 > data_end)
			break;
		buf->bytes[i] = data[i];
	}
	buf->len = i;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
