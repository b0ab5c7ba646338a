/* raw tracepoint that hashes the current task's comm with a bounded for-loop
 * (16 iterations, early exit at the terminating NUL). Since Linux 5.3 the
 * verifier accepts loops it can walk to completion: the induction variable is
 * a constant on each pass and the exit condition is eventually taken.
 * Accepted. */
#include "corpus.h"

__u32 last_hash = 0;

// @expect hash_comm accept
SEC("raw_tp/sched_process_fork")
int hash_comm(void *ctx)
{
	char comm[16];
	__u32 h = 2166136261u;

	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < (int)sizeof(comm); i++) {
		if (comm[i] == 0)
			break;
		h = (h ^ (__u8)comm[i]) * 16777619u;
	}
	last_hash = h;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
