/* kprobe on do_sys_openat2 that copies the user-space path argument (the second
 * parameter, read from pt_regs with PT_REGS_PARM2) into a stack buffer with
 * bpf_probe_read_user_str and records it in a per-CPU array. The destination is
 * a fixed-size buffer and the size is a constant. Accepted (GPL licence: the
 * probe-read helpers are GPL-only). */
#include "corpus.h"

struct path_buf {
	char path[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_buf);
} last_open SEC(".maps");

// @expect record_open_path accept
SEC("kprobe/do_sys_openat2")
int record_open_path(struct pt_regs *ctx)
{
	const char *upath = (const char *)PT_REGS_PARM2(ctx);
	__u32 zero = 0;
	struct path_buf *buf = bpf_map_lookup_elem(&last_open, &zero);

	if (!buf)
		return 0;
	bpf_probe_read_user_str(buf->path, sizeof(buf->path), upath);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
