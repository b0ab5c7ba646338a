/* kprobe that sends an event record (pid, comm, timestamp) to user space
 * through a BPF_MAP_TYPE_PERF_EVENT_ARRAY with bpf_perf_event_output on the
 * current CPU's buffer (BPF_F_CURRENT_CPU). The record lives on the stack and
 * its size is a constant. Accepted (GPL: bpf_perf_event_output is GPL-only). */
#include "corpus.h"

struct event {
	__u64 ts;
	__u32 pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

// @expect emit_unlink accept
SEC("kprobe/do_unlinkat")
int emit_unlink(struct pt_regs *ctx)
{
	struct event ev = {};

	ev.ts = bpf_ktime_get_ns();
	ev.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
