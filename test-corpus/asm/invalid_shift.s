// Socket filter (hand-written BPF assembly) that shifts a 64-bit register left
// by the immediate 64. Shift counts of at least the operand width are
// undefined on the hardware the JIT targets (x86 masks, others do not), so the
// verifier refuses constant out-of-range shifts. Rejected: invalid shift.
//
// @expect shift_by_64 reject: invalid shift 64

	.section socket,"ax",@progbits
	.globl shift_by_64
	.type shift_by_64,@function
shift_by_64:
	r0 = 1
	r0 <<= 64
	exit
	.size shift_by_64, .-shift_by_64

	.section license,"aw",@progbits
	.asciz "GPL"
