/* kprobe on do_nanosleep that counts calls per process (tgid) in a hash map,
 * inserting with BPF_NOEXIST on first sight and incrementing atomically after.
 * Exercises BPF_PROG_TYPE_KPROBE, bpf_get_current_pid_tgid and the
 * lookup/null-check/update pattern on BPF_MAP_TYPE_HASH. Accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u64);
} sleeps SEC(".maps");

// @expect count_sleeps accept
SEC("kprobe/do_nanosleep")
int count_sleeps(struct pt_regs *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *count;

	count = bpf_map_lookup_elem(&sleeps, &tgid);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return 0;
	}
	bpf_map_update_elem(&sleeps, &tgid, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
