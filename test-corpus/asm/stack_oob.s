// Socket filter (hand-written BPF assembly) that stores 8 bytes at r10 - 520,
// below the 512-byte BPF stack. Rejected: stack out of bounds.
//
// @expect store_below_stack reject: invalid write to stack R10 off=-520 size=8

	.section socket,"ax",@progbits
	.globl store_below_stack
	.type store_below_stack,@function
store_below_stack:
	r1 = 0
	*(u64 *)(r10 - 520) = r1
	r0 = 0
	exit
	.size store_below_stack, .-store_below_stack

	.section license,"aw",@progbits
	.asciz "GPL"
