// @cflags -mcpu=v4
// XDP program (hand-written BPF assembly, cpu v4) exercising the v4 ISA
// additions: sign-extending moves (movsx: r = (s8)r), signed division and
// modulo (sdiv/smod, "s/=" and "s%="), an unconditional byte swap (bswap16),
// a sign-extending load (ldxsb, "*(s8 *)") and the 32-bit-offset jump gotol.
// The packet byte is bound-checked first; the signed results only feed a
// bounded return value. Accepted.
//
// @expect v4_signed_ops accept

	.section xdp,"ax",@progbits
	.globl v4_signed_ops
	.type v4_signed_ops,@function
v4_signed_ops:
	r2 = *(u32 *)(r1 + 0)
	r3 = *(u32 *)(r1 + 4)
	r4 = r2
	r4 += 1
	if r4 > r3 goto .Lpass
	r5 = *(s8 *)(r2 + 0)
	r6 = 200
	r6 = (s8)r6
	r6 s/= 7
	r6 s%= r5
	r6 = bswap16 r6
	r0 = r6
	r0 &= 3
	gotol .Lout
.Lpass:
	r0 = 2
.Lout:
	exit
	.size v4_signed_ops, .-v4_signed_ops

	.section license,"aw",@progbits
	.asciz "GPL"
