/* fentry/vfs_read program that reads the 5th u64 of its context. vfs_read has
 * four arguments; for fentry there is no return-value slot, so context offset
 * 32 names nothing (only fexit/fmod_ret/LSM may read slot nr_args). The
 * kernel's BTF-based context check refuses it.
 * Verdict reasoned from the kernel's rules, not observed (fentry loads fail
 * with EPERM here). Rejected: the kernel logs "func 'vfs_read' doesn't have
 * 5-th argument" and "invalid bpf_context access off=32 size=8". */
#include "corpus_kernel.h"

__u64 seen = 0;

// @expect read_missing_arg reject: func 'vfs_read' doesn't have 5-th argument
// @environment read_missing_arg EPERM: fentry programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("fentry/vfs_read")
int read_missing_arg(__u64 *ctx)
{
	seen = ctx[4];
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
