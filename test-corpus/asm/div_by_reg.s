// Socket filter (hand-written BPF assembly) that divides and takes the
// remainder by a register holding an unknown value (skb->len, possibly 0).
// eBPF defines x / 0 = 0 and x % 0 = x (the JIT emits a zero check), so
// division by a register is not a safety problem and the kernel accepts it.
// Accepted.
//
// @expect divide_by_len accept

	.section socket,"ax",@progbits
	.globl divide_by_len
	.type divide_by_len,@function
divide_by_len:
	r2 = *(u32 *)(r1 + 0)
	r0 = 1000
	r0 /= r2
	w3 = 77
	w3 %= w2
	r0 += r3
	exit
	.size divide_by_len, .-divide_by_len

	.section license,"aw",@progbits
	.asciz "GPL"
