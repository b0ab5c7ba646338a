/* raw tracepoint whose bpf_loop callback returns 2. The callback protocol is
 * 0 = continue, 1 = stop; the kernel checks the callback's R0 against [0, 1]
 * when it verifies the callback body. Rejected: callback return value out of
 * range. */
#include "corpus.h"

static long count_up(__u64 index, void *data)
{
	__u64 *n = data;

	*n += index;
	return *n > 100 ? 2 : 0;
}

__u64 loop_total = 0;

// @expect loop_with_bad_callback reject: At callback return the register R0 has smin=2 smax=2 should have been in [0, 1]
SEC("raw_tp/sys_enter")
int loop_with_bad_callback(void *ctx)
{
	__u64 n = 0;

	bpf_loop(10, count_up, &n, 0);
	loop_total = n;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
