/* fentry/vfs_write program that returns 1. fentry and fexit programs cannot
 * change the traced function's behaviour, and the kernel enforces R0 == 0 at
 * their exit (BPF_TRACE_FENTRY/FEXIT: return range [0, 0]); fmod_ret exists for
 * changing return values.
 * Verdict reasoned from the kernel's rules, not observed (fentry loads fail
 * with EPERM here). Rejected: return value outside [0, 0]; the kernel's message
 * is "At program exit the register R0 has smin=1 smax=1 should have been in
 * [0, 0]". */
#include "corpus_kernel.h"

// @expect fentry_returns_one reject: should have been in [0, 0]
// @environment fentry_returns_one EPERM: fentry programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("fentry/vfs_write")
int BPF_PROG(fentry_returns_one, struct file *file)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
