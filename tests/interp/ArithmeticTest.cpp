// The interpreter's arithmetic, byte-order and jump semantics at their corners, with the
// expected values worked out from RFC 9669 section 4 (and the kernel for signed overflow).
#include "InterpTestSupport.h"

using namespace bpfcheck::interp;
using namespace bpfcheck::interp::test;

TEST_CASE("division and modulo by zero: 0 for div, dst unchanged for mod, 32-bit zero-extended") {
  // RFC 9669 4.1: DIV by 0 sets dst to 0; MOD by 0 leaves dst; ALU (32-bit) results are
  // zero-extended, so the upper half of dst is cleared even when the value is kept.
  CHECK(returnValue("lddw %r0, 0x123456789\nmov %r1, 0\ndiv %r0, %r1\nexit") == 0);
  CHECK(returnValue("lddw %r0, 0x123456789\nmov %r1, 0\nmod %r0, %r1\nexit") == 0x123456789);
  CHECK(returnValue("lddw %r0, 0x123456789\nmov %r1, 0\ndiv32 %r0, %r1\nexit") == 0);
  CHECK(returnValue("lddw %r0, 0x123456789\nmov %r1, 0\nmod32 %r0, %r1\nexit") == 0x23456789);
  // The 32-bit divisor is the low half only: 0x100000000 is 0 for div32.
  CHECK(returnValue("mov %r0, 7\nlddw %r1, 0x100000000\ndiv32 %r0, %r1\nexit") == 0);
  CHECK(returnValue("mov %r0, 7\nlddw %r1, 0x100000000\nmod32 %r0, %r1\nexit") == 7);
  // Signed: sdiv by 0 gives 0, smod by 0 leaves dst.
  CHECK(returnValue("mov %r0, -9\nmov %r1, 0\nsdiv %r0, %r1\nexit") == 0);
  CHECK(returnValue("mov %r0, -9\nmov %r1, 0\nsmod %r0, %r1\nexit") == std::uint64_t(-9));
  CHECK(returnValue("mov %r0, -9\nmov %r1, 0\nsmod32 %r0, %r1\nexit") == 0xfffffff7u);
  // Unsigned division treats -1 as 2^64 - 1.
  CHECK(returnValue("mov %r0, -1\nmov %r1, 2\ndiv %r0, %r1\nexit") == 0x7fffffffffffffffu);
}

TEST_CASE("signed division: INT_MIN / -1 wraps to INT_MIN, INT_MIN % -1 is 0, truncation") {
  CHECK(returnValue("lddw %r0, 0x8000000000000000\nsdiv %r0, -1\nexit") == 0x8000000000000000u);
  CHECK(returnValue("lddw %r0, 0x8000000000000000\nsmod %r0, -1\nexit") == 0);
  CHECK(returnValue("mov32 %r0, 0x80000000\nsdiv32 %r0, -1\nexit") == 0x80000000u);
  CHECK(returnValue("mov32 %r0, 0x80000000\nsmod32 %r0, -1\nexit") == 0);
  // Truncation toward zero; the remainder has the dividend's sign.
  CHECK(returnValue("mov %r0, -7\nsdiv %r0, 2\nexit") == std::uint64_t(-3));
  CHECK(returnValue("mov %r0, -7\nsmod %r0, 2\nexit") == std::uint64_t(-1));
  CHECK(returnValue("mov %r0, 7\nsmod %r0, -2\nexit") == 1);
  CHECK(returnValue("mov32 %r0, -7\nsdiv32 %r0, 2\nexit") == 0xfffffffdu);
}

TEST_CASE("shift amounts are masked to the width, by register and by immediate") {
  CHECK(returnValue("mov %r0, 1\nmov %r1, 65\nlsh %r0, %r1\nexit") == 2);
  CHECK(returnValue("mov %r0, 1\nlsh %r0, 65\nexit") == 2);
  CHECK(returnValue("mov %r0, 1\nmov %r1, 33\nlsh32 %r0, %r1\nexit") == 2);
  CHECK(returnValue("mov %r0, 1\nlsh32 %r0, 33\nexit") == 2);
  CHECK(returnValue("mov %r0, 4\nrsh %r0, 66\nexit") == 1);
  CHECK(returnValue("mov %r0, 4\nrsh32 %r0, 34\nexit") == 1);
  CHECK(returnValue("mov %r0, -8\narsh %r0, 65\nexit") == std::uint64_t(-4));
  // arsh32 shifts the low half's sign in and zero-extends.
  CHECK(returnValue("mov %r0, -8\narsh32 %r0, 33\nexit") == 0xfffffffcu);
  // A 32-bit shift by a register whose low 5 bits are 0 leaves the value (zero-extended).
  CHECK(returnValue("lddw %r0, 0x1ffffffff\nmov %r1, 32\nlsh32 %r0, %r1\nexit") == 0xffffffffu);
}

TEST_CASE("32-bit results are zero-extended, 64-bit immediates are sign-extended") {
  CHECK(returnValue("mov %r0, -1\nadd32 %r0, 1\nexit") == 0);
  CHECK(returnValue("mov %r0, -1\nexit") == 0xffffffffffffffffu);
  CHECK(returnValue("mov32 %r0, -1\nexit") == 0xffffffffu);
  CHECK(returnValue("mov %r0, 0\nsub32 %r0, 1\nexit") == 0xffffffffu);
  CHECK(returnValue("mov %r0, 0\nsub %r0, 1\nexit") == 0xffffffffffffffffu);
  CHECK(returnValue("lddw %r0, 0xffffffff00000001\nmul32 %r0, 3\nexit") == 3);
  CHECK(returnValue("mov %r0, 5\nneg32 %r0\nexit") == 0xfffffffbu);
  CHECK(returnValue("mov %r0, 5\nneg %r0\nexit") == std::uint64_t(-5));
  CHECK(returnValue("lddw %r1, 0xffffffff00000002\nmov32 %r0, %r1\nexit") == 2);
  CHECK(returnValue("mov %r0, 0\nor %r0, -2\nexit") == 0xfffffffffffffffeu);
}

TEST_CASE("movsx sign-extends 8, 16 and 32 bits into 64, and 8 and 16 into 32 bits") {
  CHECK(returnValue("mov %r1, 0x80\nmovsx864 %r0, %r1\nexit") == 0xffffffffffffff80u);
  CHECK(returnValue("mov %r1, 0x7f80\nmovsx864 %r0, %r1\nexit") == 0xffffffffffffff80u);
  CHECK(returnValue("mov %r1, 0x8000\nmovsx1664 %r0, %r1\nexit") == 0xffffffffffff8000u);
  CHECK(returnValue("mov32 %r1, 0x80000000\nmovsx3264 %r0, %r1\nexit") == 0xffffffff80000000u);
  CHECK(returnValue("mov %r1, 0x80\nmovsx832 %r0, %r1\nexit") == 0xffffff80u);
  CHECK(returnValue("mov %r1, 0x8000\nmovsx1632 %r0, %r1\nexit") == 0xffff8000u);
  CHECK(returnValue("mov %r1, 0x7f\nmovsx864 %r0, %r1\nexit") == 0x7f);
}

TEST_CASE("byte order: le truncates, be and bswap reverse the low 16, 32 or 64 bits") {
  CHECK(returnValue("lddw %r0, 0x1122334455667788\nle16 %r0\nexit") == 0x7788);
  CHECK(returnValue("lddw %r0, 0x1122334455667788\nle32 %r0\nexit") == 0x55667788);
  CHECK(returnValue("lddw %r0, 0x1122334455667788\nle64 %r0\nexit") == 0x1122334455667788);
  CHECK(returnValue("lddw %r0, 0x1122334455667788\nbe16 %r0\nexit") == 0x8877);
  CHECK(returnValue("lddw %r0, 0x1122334455667788\nbe32 %r0\nexit") == 0x88776655);
  CHECK(returnValue("lddw %r0, 0x1122334455667788\nbe64 %r0\nexit") == 0x8877665544332211);
  CHECK(returnValue("lddw %r0, 0x1122334455667788\nbswap16 %r0\nexit") == 0x8877);
  CHECK(returnValue("lddw %r0, 0x1122334455667788\nbswap32 %r0\nexit") == 0x88776655);
  CHECK(returnValue("lddw %r0, 0x1122334455667788\nbswap64 %r0\nexit") == 0x8877665544332211);
}

TEST_CASE("conditional jumps: signed and unsigned, 64 and 32 bits, jset, gotol") {
  // -1 is the largest unsigned and a negative signed value.
  CHECK(returnValue("mov %r0, 0\nmov %r1, -1\njgt %r1, 1, +1\nexit\nmov %r0, 1\nexit") == 1);
  CHECK(returnValue("mov %r0, 0\nmov %r1, -1\njsgt %r1, 1, +1\nexit\nmov %r0, 1\nexit") == 0);
  // JMP32 compares the low halves only: 0x1_00000000 == 0 on 32 bits.
  CHECK(returnValue("mov %r0, 0\nlddw %r1, 0x100000000\njeq32 %r1, 0, +1\nexit\n"
                    "mov %r0, 1\nexit") == 1);
  CHECK(returnValue("mov %r0, 0\nlddw %r1, 0x100000000\njeq %r1, 0, +1\nexit\n"
                    "mov %r0, 1\nexit") == 0);
  // 0x80000000 is negative as a signed 32-bit value, positive as a 64-bit one.
  CHECK(returnValue("mov %r0, 0\nmov32 %r1, 0x80000000\njslt32 %r1, 0, +1\nexit\n"
                    "mov %r0, 1\nexit") == 1);
  CHECK(returnValue("mov %r0, 0\nmov32 %r1, 0x80000000\njslt %r1, 0, +1\nexit\n"
                    "mov %r0, 1\nexit") == 0);
  CHECK(returnValue("mov %r0, 0\nmov %r1, 6\njset %r1, 4, +1\nexit\nmov %r0, 1\nexit") == 1);
  CHECK(returnValue("mov %r0, 0\nlddw %r1, 0x100000000\njset32 %r1, -1, +1\nexit\n"
                    "mov %r0, 1\nexit") == 0);
  CHECK(returnValue("mov %r0, 1\nja32 +1\nmov %r0, 2\nexit") == 1);
}

TEST_CASE("an instruction budget ends a program that does not terminate") {
  const DecodedProgram program = assembleProgram("mov %r0, 0\nloop:\nadd %r0, 1\nja loop\nexit");
  TestEnvironment environment;
  const RunResult result = runProgram(program, environment, {}, ExecutionMode::Fast, 1000);
  REQUIRE_FALSE(result.completed());
  CHECK(result.fault->kind == FaultKind::BudgetExhausted);
  CHECK(result.instructionsExecuted == 1000);
  // Instruction 0, then (add, ja) 499 times, then add: the 1001st would be `ja` at insn 2.
  CHECK(result.fault->instruction == 2);
  CHECK(result.fault->message == "insn 2: the instruction budget (1000 instructions) is exhausted");
  // With a budget that suffices, the count is exact.
  const DecodedProgram straight = assembleProgram("mov %r0, 1\nadd %r0, 2\nexit");
  const RunResult exact = runProgram(straight, environment, {}, ExecutionMode::Fast, 3);
  REQUIRE(exact.completed());
  CHECK(exact.returnValue == 3);
  CHECK(exact.instructionsExecuted == 3);
}
