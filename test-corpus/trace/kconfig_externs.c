/* kprobe that reads .kconfig externs, which the loader fills from the running
 * kernel's configuration into a read-only `.kconfig` map: LINUX_KERNEL_VERSION,
 * a bool option (CONFIG_BPF_SYSCALL=y on any kernel that runs BPF), a weak
 * tristate the configuration does not mention (defaults to n), and an integer
 * option (CONFIG_HZ). The map is frozen, so the verifier knows the values and
 * prunes the dead branch. Accepted. `kconfig_write` stores into a .kconfig
 * extern: the map is read-only for programs, so the kernel rejects the write. */
#include "corpus.h"

extern __u32 LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPFCHECK_NOT_A_REAL_OPTION __kconfig __weak;
extern int CONFIG_HZ __kconfig;

__u64 kernel_facts = 0;

// @expect kconfig_read accept
SEC("kprobe/do_exit")
int kconfig_read(struct pt_regs *ctx)
{
	if (!CONFIG_BPF_SYSCALL || CONFIG_BPFCHECK_NOT_A_REAL_OPTION == TRI_YES)
		return 1;
	kernel_facts = ((__u64)LINUX_KERNEL_VERSION << 32) | (__u32)CONFIG_HZ;
	return 0;
}

// @expect kconfig_write reject: write into map forbidden
SEC("kprobe/do_exit")
int kconfig_write(struct pt_regs *ctx)
{
	*(volatile int *)&CONFIG_HZ = 1000;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
