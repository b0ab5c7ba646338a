/* kprobe that prints with bpf_trace_printk, bpf_printk and bpf_snprintf. A
 * string literal passed directly as a pointer lands in .rodata.str1.1
 * (mergeable strings); bpf_printk's static format array and a `static const
 * char[]` land in .rodata. libbpf turns both sections into frozen read-only
 * array maps and the helpers receive pointers into them (bpf_snprintf requires
 * a read-only format). Accepted (GPL: bpf_trace_printk is GPL-only). */
#include "corpus.h"

static const char fmt_owner[] = "uid=%u pid=%u";
char out[64];

// @expect print_caller accept
SEC("kprobe/do_unlinkat")
int print_caller(struct pt_regs *ctx)
{
	__u64 args[2];

	args[0] = (__u32)bpf_get_current_uid_gid();
	args[1] = bpf_get_current_pid_tgid() >> 32;
	bpf_trace_printk("unlink\n", sizeof("unlink\n"));
	bpf_printk("unlink by uid %u", (__u32)args[0]);
	bpf_snprintf(out, sizeof(out), fmt_owner, args, sizeof(args));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
