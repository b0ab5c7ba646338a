/* kprobe counting page faults per process in a BPF_MAP_TYPE_LRU_PERCPU_HASH: an
 * LRU map evicts the least recently used entry when full instead of failing the
 * update, and the per-CPU variant keeps one value per CPU. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 2048);
	__type(key, __u32);
	__type(value, __u64);
} faults SEC(".maps");

// @expect count_faults accept
SEC("kprobe/handle_mm_fault")
int count_faults(struct pt_regs *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 init = 1, *n = bpf_map_lookup_elem(&faults, &tgid);

	if (n)
		*n += 1;
	else
		bpf_map_update_elem(&faults, &tgid, &init, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
