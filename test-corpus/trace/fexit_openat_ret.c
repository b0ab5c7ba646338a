/* fexit/do_sys_openat2 program (BPF_TRACE_FEXIT) that sees both the arguments
 * and the return value: with BPF_PROG the return value is the slot after the
 * last argument (here the 4th u64 of the context, since do_sys_openat2 has 3
 * arguments: dfd, filename, how). Counts successful and failed opens in a global array.
 * Verdict reasoned from the kernel's rules, not observed (fexit loads fail
 * with EPERM here). Accepted by the rules: for BPF_TRACE_FEXIT, the context slot
 * at index nr_args is the return value and may be read; all other reads are
 * arguments; R0 = 0 at exit as fentry/fexit require. */
#include "corpus_kernel.h"

__u64 open_results[2] = {};

// @expect count_open_results accept
// @environment count_open_results EPERM: fexit programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("fexit/do_sys_openat2")
int BPF_PROG(count_open_results, int dfd, const char *filename, void *how, long ret)
{
	__sync_fetch_and_add(&open_results[ret < 0 ? 1 : 0], 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
