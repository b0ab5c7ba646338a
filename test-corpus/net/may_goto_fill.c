/* Loops bounded by may_goto (libbpf's can_loop): the kernel walks each iteration
 * while the values it must keep precise change, so a counter compared with
 * 1000 bounds the pointer walking the array beside it. Filling 1000 elements
 * is accepted; filling 1001 writes past the end and is rejected. A loop whose
 * values nothing bounds (a running sum) is accepted too: the kernel widens the
 * values no access depends on, and may_goto ends the loop. */
#include "corpus.h"

#define can_loop                                                        \
	({                                                              \
		__label__ l_break, l_continue;                          \
		int ret = 1;                                            \
		asm volatile goto("may_goto %l[l_break]" :::: l_break); \
		goto l_continue;                                        \
	l_break:                                                        \
		ret = 0;                                                \
	l_continue:;                                                    \
		ret;                                                    \
	})

long slots[1000];
long total = 1; /* in .data: the .bss map holds slots alone */

// @expect fill_all accept
SEC("socket")
int fill_all(void *ctx)
{
	long i;

	for (i = 0; i < 1000 && can_loop; i++)
		slots[i] = i;
	return 0;
}

// @expect fill_one_too_many reject: invalid access to map value
SEC("socket")
int fill_one_too_many(void *ctx)
{
	long i;

	for (i = 0; i <= 1000 && can_loop; i++)
		slots[i] = i;
	return 0;
}

// @expect sum_until_stopped accept
SEC("socket")
int sum_until_stopped(void *ctx)
{
	long sum = 0;

	while (can_loop)
		sum += bpf_get_prandom_u32();
	total = sum;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
