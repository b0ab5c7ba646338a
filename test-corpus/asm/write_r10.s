// Socket filter (hand-written BPF assembly) that moves the frame pointer r10 down
// by 8 before spilling a value. r10 is read-only: every stack access is checked
// relative to it, so letting a program change it would defeat stack bounds
// checking. Rejected: write to r10.
//
// @expect write_frame_pointer reject: frame pointer is read only

	.section socket,"ax",@progbits
	.globl write_frame_pointer
	.type write_frame_pointer,@function
write_frame_pointer:
	r10 += -8
	r1 = 0
	*(u64 *)(r10 + 0) = r1
	r0 = 0
	exit
	.size write_frame_pointer, .-write_frame_pointer

	.section license,"aw",@progbits
	.asciz "GPL"
