// Socket filter (hand-written BPF assembly) that reads a stack slot it never
// wrote. For unprivileged programs this is an error (it could leak old kernel
// stack contents), but a privileged loader (CAP_PERFMON/CAP_BPF, root here) is
// allowed to read uninitialised stack; the value is an unknown scalar. Accepted
// as root; the unprivileged rule cannot be checked on this machine.
//
// @expect read_unwritten_slot accept

	.section socket,"ax",@progbits
	.globl read_unwritten_slot
	.type read_unwritten_slot,@function
read_unwritten_slot:
	r0 = *(u64 *)(r10 - 16)
	r0 &= 1
	exit
	.size read_unwritten_slot, .-read_unwritten_slot

	.section license,"aw",@progbits
	.asciz "GPL"
