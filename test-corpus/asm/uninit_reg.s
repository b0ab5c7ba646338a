// Socket filter (hand-written BPF assembly) that adds r2 to r0 without ever
// writing r2. At program entry only r1 (the context) and r10 (the frame
// pointer) are defined; reading any other register before writing it would
// expose leftover kernel values. Rejected: uninitialised register read.
//
// @expect read_uninit_r2 reject: R2 !read_ok

	.section socket,"ax",@progbits
	.globl read_uninit_r2
	.type read_uninit_r2,@function
read_uninit_r2:
	r0 = 1
	r0 += r2
	exit
	.size read_uninit_r2, .-read_uninit_r2

	.section license,"aw",@progbits
	.asciz "GPL"
