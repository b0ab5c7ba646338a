/* bpf_d_path resolves a struct path to a string, but only where the path is
 * known to be valid: in fentry/fexit programs on the kernel functions of
 * btf_allowlist_d_path (dentry_open is one), in iterators and in sleepable LSM
 * hooks. On d_path itself it is refused ("helper call is not allowed in
 * probe"). Verdicts reasoned from kernel/trace/bpf_trace.c, not observed:
 * fentry loads fail with EPERM here. */
#include "corpus_kernel.h"

// @expect path_at_dentry_open accept
// @environment path_at_dentry_open EPERM: fentry programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("fentry/dentry_open")
int BPF_PROG(path_at_dentry_open, const struct path *path)
{
	char name[64];

	bpf_d_path((struct path *)path, name, sizeof(name));
	return 0;
}

// @expect path_at_d_path reject: helper call is not allowed in probe
// @environment path_at_d_path EPERM: fentry programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("fentry/d_path")
int BPF_PROG(path_at_d_path, const struct path *path)
{
	char name[64];

	bpf_d_path((struct path *)path, name, sizeof(name));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
