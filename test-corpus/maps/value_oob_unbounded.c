/* kprobe that uses an unchecked 32-bit function argument as a byte index into a
 * 64-byte map value. Nothing bounds the index, so the access could land
 * anywhere in 4 GiB past the value. Rejected: out-of-bounds map value access
 * with an unbounded variable offset. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[64]);
} bytes SEC(".maps");

// @expect index_unchecked reject: R0 unbounded memory access, make sure to bounds check any such access
SEC("kprobe/vfs_write")
int index_unchecked(struct pt_regs *ctx)
{
	__u32 key = 0;
	__u32 idx = PT_REGS_PARM3(ctx);
	__u8 *v = bpf_map_lookup_elem(&bytes, &key);

	if (!v)
		return 0;
	v[idx] = 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
