/* raw tracepoint whose main program keeps a 320-byte buffer on its stack and
 * calls a __noinline subprogram with its own 320-byte buffer: 640 bytes in
 * total, over the classic 512-byte combined budget of BPF-to-BPF calls. Recent
 * kernels (6.18 here) give kprobe, tracepoint, perf_event and raw_tracepoint
 * programs (and non-recursive trampoline programs) per-subprogram private
 * stacks when the JIT supports them (x86-64 does); then only each frame must
 * fit in 512 bytes. Accepted on this kernel; compare net/xdp_combined_stack.c,
 * the same shape in a program type without private stacks. */
#include "corpus.h"

__u64 sink = 0;

static __noinline __u64 mix(const __u8 *in)
{
	__u8 tmp[320];

	bpf_probe_read_kernel(tmp, sizeof(tmp), in);
	return tmp[0] + tmp[319];
}

// @expect deep_frames accept
SEC("raw_tp/sys_enter")
int deep_frames(void *ctx)
{
	__u8 buf[320];

	bpf_get_current_comm(buf, sizeof(buf));
	sink = mix(buf);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
