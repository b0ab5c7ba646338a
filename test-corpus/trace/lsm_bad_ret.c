/* LSM program on the file_open hook that returns 1 to mean "allow". LSM int
 * hooks return 0 or a negative errno; a positive value would be propagated as
 * a bogus result to the caller, so the kernel restricts R0 to [-4095, 0] for
 * such hooks.
 * Verdict reasoned from the kernel's rules, not observed (LSM loads fail with
 * EPERM here). Rejected: the kernel's message is "At program exit the register
 * R0 has smin=1 smax=1 should have been in [-4095, 0]". */
#include "corpus_kernel.h"

// @expect lsm_returns_one reject: should have been in [-4095, 0]
// @environment lsm_returns_one EPERM: LSM programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("lsm/file_open")
int BPF_PROG(lsm_returns_one, struct file *file)
{
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
