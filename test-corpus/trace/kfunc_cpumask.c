/* perf_event programs that build a CPU mask with the cpumask kfuncs.
 * bpf_cpumask_create acquires a mask (or returns NULL); the kfuncs that read a
 * mask take a `const struct cpumask *`, and a `struct bpf_cpumask *` may be
 * passed for it because the cpumask is its first member (the kernel matches
 * the struct at the pointer's offset, or one starting with it). A task is not
 * a cpumask. A sleepable kfunc (bpf_lookup_user_key) cannot be called from a
 * program that cannot sleep. */
#include "corpus_kernel.h"

struct bpf_key;

extern struct bpf_cpumask *bpf_cpumask_create(void) __ksym;
extern void bpf_cpumask_release(struct bpf_cpumask *cpumask) __ksym;
extern void bpf_cpumask_set_cpu(__u32 cpu, struct bpf_cpumask *cpumask) __ksym;
extern _Bool bpf_cpumask_test_cpu(__u32 cpu, const struct cpumask *cpumask) __ksym;
extern struct bpf_key *bpf_lookup_user_key(__u32 serial, __u64 flags) __ksym;
extern void bpf_key_put(struct bpf_key *key) __ksym;

__u32 cpu_set = 0;

// @expect mask_of_cpu_zero accept
SEC("perf_event")
int mask_of_cpu_zero(void *ctx)
{
	struct bpf_cpumask *mask = bpf_cpumask_create();

	if (!mask)
		return 0;
	bpf_cpumask_set_cpu(0, mask);
	cpu_set = bpf_cpumask_test_cpu(0, (const struct cpumask *)mask);
	bpf_cpumask_release(mask);
	return 0;
}

// @expect task_as_mask reject: expected pointer to STRUCT cpumask but R2 has a pointer to STRUCT task_struct
SEC("perf_event")
int task_as_mask(void *ctx)
{
	struct task_struct *current = bpf_get_current_task_btf();

	cpu_set = bpf_cpumask_test_cpu(0, (const struct cpumask *)current);
	return 0;
}

// @expect mask_set_unchecked reject: Possibly NULL pointer passed to trusted arg1
SEC("perf_event")
int mask_set_unchecked(void *ctx)
{
	struct bpf_cpumask *mask = bpf_cpumask_create();

	bpf_cpumask_set_cpu(0, mask);
	if (mask)
		bpf_cpumask_release(mask);
	return 0;
}

// @expect key_lookup_cannot_sleep reject: program must be sleepable to call sleepable kfunc bpf_lookup_user_key
SEC("perf_event")
int key_lookup_cannot_sleep(void *ctx)
{
	struct bpf_key *key = bpf_lookup_user_key(1, 0);

	if (key)
		bpf_key_put(key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
