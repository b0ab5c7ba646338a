// Socket filter (hand-written BPF assembly) whose loop never changes its state:
// the back-edge goes to a loop head where every register and stack slot is
// identical to the previous visit, so the loop provably never exits. The
// verifier detects the repeated state at the back-edge. Rejected: unbounded
// (infinite) loop.
//
// @expect spin_forever reject: infinite loop detected at insn

	.section socket,"ax",@progbits
	.globl spin_forever
	.type spin_forever,@function
spin_forever:
	r0 = 0
	r2 = 5
.Lhead:
	if r2 == 0 goto .Lout
	r0 = 1
	goto .Lhead
.Lout:
	exit
	.size spin_forever, .-spin_forever

	.section license,"aw",@progbits
	.asciz "GPL"
