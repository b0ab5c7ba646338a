/* tracepoint sched/sched_process_exec program that decodes the __data_loc
 * filename field (low 16 bits: offset of the string inside the record) and
 * copies the string with bpf_probe_read_kernel_str into a per-CPU buffer, then
 * emits it through a ring buffer with bpf_ringbuf_output. The ctx pointer plus
 * a record offset is not a ctx access, so it goes through a probe-read helper.
 * Accepted. */
#include "corpus.h"

struct exec_args {
	__u64 common;
	__u32 filename_loc;
	__s32 pid;
	__s32 old_pid;
};

struct exec_event {
	__s32 pid;
	char filename[124];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_event);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} execs SEC(".maps");

// @expect report_exec accept
SEC("tp/sched/sched_process_exec")
int report_exec(struct exec_args *ctx)
{
	__u32 zero = 0;
	struct exec_event *ev = bpf_map_lookup_elem(&scratch, &zero);
	__u16 off = ctx->filename_loc & 0xffff;

	if (!ev)
		return 0;
	ev->pid = ctx->pid;
	bpf_probe_read_kernel_str(ev->filename, sizeof(ev->filename), (void *)ctx + off);
	bpf_ringbuf_output(&execs, ev, sizeof(*ev), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
