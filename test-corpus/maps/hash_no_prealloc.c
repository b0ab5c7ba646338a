/* kprobe that records the last open flags per pid in a hash map created with
 * BPF_F_NO_PREALLOC (elements are allocated on update instead of up front).
 * The map flag changes memory behaviour, not the program's safety. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 100000);
	__type(key, __u32);
	__type(value, __u32);
} open_flags SEC(".maps");

// @expect remember_flags accept
SEC("kprobe/do_filp_open")
int remember_flags(struct pt_regs *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid();
	__u32 flags = PT_REGS_PARM3(ctx);

	bpf_map_update_elem(&open_flags, &pid, &flags, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
