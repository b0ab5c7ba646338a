/* kprobe that reserves a ring buffer record and returns early, without
 * submitting or discarding it, when the pid is odd. The reservation would stay
 * busy forever and block the consumer. Rejected: reference leak (ringbuf
 * reserve not submitted). */
#include "corpus.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb SEC(".maps");

// @expect reserve_and_forget reject: Unreleased reference id=3 alloc_insn=6
SEC("kprobe/vfs_fsync")
int reserve_and_forget(struct pt_regs *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid();
	__u32 *slot = bpf_ringbuf_reserve(&rb, sizeof(*slot), 0);

	if (!slot)
		return 0;
	if (pid & 1)
		return 0;
	*slot = pid;
	bpf_ringbuf_submit(slot, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
