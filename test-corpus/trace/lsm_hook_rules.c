/* What the LSM hook decides beyond the arguments: BPF may not attach to the hooks
 * in bpf_lsm_disabled_hooks ("points to disabled hook"); the hooks in
 * bool_lsm_hooks return 0 or 1 rather than 0 or a negative errno.
 * Verdicts reasoned from the kernel's rules (kernel/bpf/bpf_lsm.c), not
 * observed: LSM loads fail with EPERM here. */
#include "corpus_kernel.h"

// @expect attach_to_setprocattr reject: points to disabled hook
// @environment attach_to_setprocattr EPERM: LSM programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("lsm/setprocattr")
int attach_to_setprocattr(void *ctx)
{
	return 0;
}

// @expect rule_known_returns_one accept
// @environment rule_known_returns_one EPERM: LSM programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("lsm/audit_rule_known")
int rule_known_returns_one(void *ctx)
{
	return 1;
}

// @expect rule_known_returns_errno reject: should have been in [0, 1]
// @environment rule_known_returns_errno EPERM: LSM programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("lsm/audit_rule_known")
int rule_known_returns_errno(void *ctx)
{
	return -1;
}

char LICENSE[] SEC("license") = "GPL";
