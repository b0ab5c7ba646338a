/* kprobe pair that tracks in-flight block requests: the entry probe stores a
 * start timestamp keyed by request pointer in a hash map, the return probe
 * looks it up, computes the latency, stores it into a histogram and deletes the
 * entry. Exercises bpf_map_update_elem / lookup / delete on
 * BPF_MAP_TYPE_HASH with a u64 key, and two programs sharing one map.
 * Both accepted. */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} log2_hist SEC(".maps");

// @expect fsync_enter accept
SEC("kprobe/vfs_fsync")
int fsync_enter(struct pt_regs *ctx)
{
	__u64 key = bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&start, &key, &ts, BPF_ANY);
	return 0;
}

// @expect fsync_exit accept
SEC("kretprobe/vfs_fsync")
int fsync_exit(struct pt_regs *ctx)
{
	__u64 key = bpf_get_current_pid_tgid();
	__u64 *tsp = bpf_map_lookup_elem(&start, &key);
	__u64 delta;
	__u32 slot = 0;
	__u64 *bucket;

	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &key);
	while (delta > 1 && slot < 63) {
		delta >>= 1;
		slot++;
	}
	bucket = bpf_map_lookup_elem(&log2_hist, &slot);
	if (bucket)
		__sync_fetch_and_add(bucket, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
