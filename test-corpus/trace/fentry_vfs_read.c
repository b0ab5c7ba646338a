/* fentry/vfs_read program (BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY) that counts
 * reads of large buffers per inode. Arguments arrive typed by the kernel's BTF:
 * `file` is a trusted struct file pointer, so file->f_inode->i_ino is read with
 * direct loads (CO-RE relocated), and count is a plain scalar. fentry programs
 * must return 0.
 * Verdict reasoned from the kernel's rules, not observed: on these machines
 * loading any fentry/fexit/fmod_ret/LSM/freplace program fails with EPERM
 * before the verifier runs. By the rules it is accepted: BTF-typed argument
 * reads at offsets 0 and 16 are within the 4 arguments of vfs_read, pointer
 * walks through trusted BTF pointers are allowed (faults are handled by the
 * exception table), the map key is on the stack, and R0 = 0 at exit. */
#include "corpus_kernel.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} big_reads SEC(".maps");

// @expect count_big_reads accept
// @environment count_big_reads EPERM: fentry programs cannot be loaded on this machine (bpf() fails before the verifier runs)
SEC("fentry/vfs_read")
int BPF_PROG(count_big_reads, struct file *file, char *buf, __u64 count, __s64 *pos)
{
	__u64 ino, one = 1, *n;

	if (count < 65536)
		return 0;
	ino = file->f_inode->i_ino;
	n = bpf_map_lookup_elem(&big_reads, &ino);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&big_reads, &ino, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
