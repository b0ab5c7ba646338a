/* kprobe that reports unlink calls through a BPF_MAP_TYPE_RINGBUF using every
 * ring buffer helper: bpf_ringbuf_reserve a fixed-size record, fill it, then
 * bpf_ringbuf_submit it (or bpf_ringbuf_discard it when the process is
 * filtered out); bpf_ringbuf_query to decide whether to wake the consumer;
 * bpf_ringbuf_output for a small copy-based record. Every reservation is
 * released on every path. Accepted. */
#include "corpus.h"

struct unlink_event {
	__u64 ts;
	__u32 pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

// @expect report_unlink accept
SEC("kprobe/do_unlinkat")
int report_unlink(struct pt_regs *ctx)
{
	struct unlink_event *e;
	__u64 flags = 0;
	__u32 marker;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ts = bpf_ktime_get_ns();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (e->pid == 1) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < 64 * 1024)
		flags = BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(e, flags);

	marker = 0xdeadbeef;
	bpf_ringbuf_output(&events, &marker, sizeof(marker), BPF_RB_FORCE_WAKEUP);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
