/* raw tracepoint calling a global function that takes an `__u64 *` and
 * dereferences it without a NULL check. A global function is verified
 * independently of its callers, so a pointer-to-memory argument may be NULL
 * (any caller may pass NULL). Rejected: possibly-NULL memory dereference
 * inside the global subprogram. */
#include "corpus.h"

__noinline int add_to(__u64 *slot, __u64 delta)
{
	*slot += delta;
	return 0;
}

__u64 total = 0;

// @expect call_add_to reject: R1 invalid mem access 'mem_or_null'
SEC("raw_tp/sys_enter")
int call_add_to(void *ctx)
{
	__u64 local = 0;

	add_to(&local, 1);
	total += local;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
