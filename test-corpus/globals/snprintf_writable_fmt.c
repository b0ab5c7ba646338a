/* kprobe that passes a format string stored in a writable global (.data) to
 * bpf_snprintf. The helper parses the format at verification time, so it must
 * live in a read-only (frozen) map; a .data string could change after the
 * check. Rejected: format string argument is not read-only. */
#include "corpus.h"

char fmt[16] = "pid=%u";
char out[32];

// @expect snprintf_from_data reject: R3 does not point to a readonly map'
SEC("kprobe/do_unlinkat")
int snprintf_from_data(struct pt_regs *ctx)
{
	__u64 args[1] = { bpf_get_current_pid_tgid() >> 32 };

	bpf_snprintf(out, sizeof(out), fmt, args, sizeof(args));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
