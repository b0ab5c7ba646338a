/* kprobe split into static __noinline subprograms (BPF-to-BPF calls): one
 * receives a pointer to the caller's stack and fills it, one combines scalars
 * and calls a helper. Each call gets a new stack frame; the verifier tracks the
 * pointer into the caller's frame across the call. Accepted. */
#include "corpus.h"

struct key {
	__u32 pid;
	__u32 cpu;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct key);
	__type(value, __u64);
} per_pid_cpu SEC(".maps");

static __noinline void fill_key(struct key *k)
{
	k->pid = bpf_get_current_pid_tgid();
	k->cpu = bpf_get_smp_processor_id();
}

static __noinline int bump(struct key *k, __u64 delta)
{
	__u64 *v = bpf_map_lookup_elem(&per_pid_cpu, k);

	if (!v)
		return bpf_map_update_elem(&per_pid_cpu, k, &delta, BPF_NOEXIST);
	__sync_fetch_and_add(v, delta);
	return 0;
}

// @expect account_write accept
SEC("kprobe/vfs_write")
int account_write(struct pt_regs *ctx)
{
	struct key k;

	fill_key(&k);
	return bump(&k, PT_REGS_PARM3(ctx)) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
