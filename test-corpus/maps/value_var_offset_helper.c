/* kprobe that copies 8 bytes of kernel memory into a 64-byte map value at a
 * variable offset bounded to [0, 63]. The helper writes `size` bytes starting
 * at value + off, so the largest offset needs 63 + 8 = 71 bytes of room.
 * Rejected: helper memory argument out of the map value's bounds at a variable
 * offset (the bound should have been off <= 56). */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[64]);
} window SEC(".maps");

// @expect copy_into_window reject: invalid access to map value, value_size=64 off=63 size=8
SEC("kprobe/vfs_read")
int copy_into_window(struct pt_regs *ctx)
{
	__u32 key = 0;
	__u8 *v = bpf_map_lookup_elem(&window, &key);
	__u64 off = PT_REGS_PARM3(ctx) & 63;

	if (!v)
		return 0;
	bpf_probe_read_kernel(v + off, 8, (void *)PT_REGS_PARM2(ctx));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
