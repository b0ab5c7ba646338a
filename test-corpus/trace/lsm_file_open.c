/* LSM program on the file_open hook (BPF_PROG_TYPE_LSM, BPF_LSM_MAC) that
 * denies opening files whose inode number is in a deny-list map, returning
 * -EPERM, and 0 otherwise. file_open is an int hook, so the return value must
 * be 0 or a negative errno in [-4095, 0].
 * Verdict reasoned from the kernel's rules, not observed: LSM program loads fail
 * with EPERM on these machines before the verifier runs. Accepted by the
 * rules: trusted BTF pointer reads of file->f_inode->i_ino, a stack key, a
 * null-checked lookup, and R0 in {0, -1}. */
#include "corpus_kernel.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u8);
} denied_inodes SEC(".maps");

// @expect deny_listed_inode accept
// @environment deny_listed_inode EPERM: LSM programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("lsm/file_open")
int BPF_PROG(deny_listed_inode, struct file *file)
{
	__u64 ino = file->f_inode->i_ino;

	if (bpf_map_lookup_elem(&denied_inodes, &ino))
		return -1; /* -EPERM */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
