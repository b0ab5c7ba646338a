// Loads, stores and atomics on real memory: zero- and sign-extending loads, stores of
// registers and sign-extended immediates, and every atomic with and without fetch (RFC 9669
// 5.1-5.3; 32-bit fetches zero-extend into the register, as the kernel does).
#include "InterpTestSupport.h"

#include <array>

using namespace bpfcheck::interp;
using namespace bpfcheck::interp::test;

namespace {

/// Runs `text` with r1 = a copy of `bytes` (r2 = its length) in `mode`; returns r0 and the
/// bytes afterwards.
std::pair<std::uint64_t, std::vector<std::uint8_t>>
runOnMemory(const std::string &text, std::vector<std::uint8_t> bytes, ExecutionMode mode) {
  const DecodedProgram program = assembleProgram(text);
  const auto address = reinterpret_cast<std::uintptr_t>(bytes.data());
  const MemoryRegion region{address, bytes.size(), true, RegionKind::Input, "mem"};
  RunInput input;
  input.arguments = {address, bytes.size(), 0, 0, 0};
  input.regions = std::span(&region, 1);
  TestEnvironment environment;
  const RunResult result = runProgram(program, environment, input, mode);
  REQUIRE_MESSAGE(result.completed(), faultMessage(result));
  return {result.returnValue, bytes};
}

/// r0 of `text` on its own stack, in both modes.
std::uint64_t onStack(const std::string &text) {
  return returnValue(assembleProgram(text));
}

} // namespace

TEST_CASE("loads zero-extend, ldxs loads sign-extend 8, 16 and 32 bits") {
  const std::vector<std::uint8_t> bytes = {0x80, 0xff, 0x00, 0x80, 0x01, 0x00, 0x00, 0x80};
  for (const ExecutionMode mode : {ExecutionMode::Fast, ExecutionMode::Checked}) {
    CHECK(runOnMemory("ldxsb %r0, [%r1]\nexit", bytes, mode).first == 0xffffffffffffff80u);
    CHECK(runOnMemory("ldxb %r0, [%r1]\nexit", bytes, mode).first == 0x80);
    CHECK(runOnMemory("ldxsh %r0, [%r1+2]\nexit", bytes, mode).first == 0xffffffffffff8000u);
    CHECK(runOnMemory("ldxh %r0, [%r1+2]\nexit", bytes, mode).first == 0x8000);
    CHECK(runOnMemory("ldxsw %r0, [%r1+4]\nexit", bytes, mode).first == 0xffffffff80000001u);
    CHECK(runOnMemory("ldxw %r0, [%r1+4]\nexit", bytes, mode).first == 0x80000001u);
    CHECK(runOnMemory("ldxdw %r0, [%r1]\nexit", bytes, mode).first == 0x800000018000ff80u);
    // A positive value is not extended.
    CHECK(runOnMemory("ldxsb %r0, [%r1+4]\nexit", bytes, mode).first == 1);
  }
}

TEST_CASE("stores truncate registers and sign-extend immediates to the access width") {
  for (const ExecutionMode mode : {ExecutionMode::Fast, ExecutionMode::Checked}) {
    const auto [r0, after] = runOnMemory("mov %r2, 0x1234\n"
                                         "stxb [%r1], %r2\n"
                                         "sth [%r1+2], -2\n"
                                         "stw [%r1+4], 0x12345678\n"
                                         "stdw [%r1+8], -1\n"
                                         "mov %r0, 0\n"
                                         "exit",
                                         std::vector<std::uint8_t>(16, 0), mode);
    CHECK(r0 == 0);
    const std::vector<std::uint8_t> expected = {0x34, 0,    0xfe, 0xff, 0x78, 0x56, 0x34, 0x12,
                                                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    CHECK(after == expected);
  }
}

TEST_CASE("atomic add, or, and, xor without fetch change memory and leave src") {
  CHECK(onStack("stdw [%r10-8], 10\nmov %r1, 5\nlock add [%r10-8], %r1\n"
                "ldxdw %r0, [%r10-8]\nmul %r1, 1000\nadd %r0, %r1\nexit") == 5015);
  CHECK(onStack("stdw [%r10-8], 0xc\nmov %r1, 3\nlock or [%r10-8], %r1\nldxdw %r0, [%r10-8]\n"
                "exit") == 0xf);
  CHECK(onStack("stdw [%r10-8], 0xc\nmov %r1, 6\nlock and [%r10-8], %r1\nldxdw %r0, [%r10-8]\n"
                "exit") == 4);
  CHECK(onStack("stdw [%r10-8], 0xc\nmov %r1, 6\nlock xor [%r10-8], %r1\nldxdw %r0, [%r10-8]\n"
                "exit") == 0xa);
  // 32-bit: only the low word changes; the carry does not reach the high word.
  CHECK(onStack("stdw [%r10-8], -1\nmov %r1, 1\nlock add32 [%r10-8], %r1\nldxdw %r0, [%r10-8]\n"
                "exit") == 0xffffffff00000000u);
}

TEST_CASE("atomic fetch operations return the old value, 32-bit ones zero-extend it") {
  // fetch add: r1 = 10 (old), memory 15.
  CHECK(onStack("stdw [%r10-8], 10\nmov %r1, 5\nlock fetch add [%r10-8], %r1\n"
                "ldxdw %r0, [%r10-8]\nmul %r1, 1000\nadd %r0, %r1\nexit") == 10015);
  CHECK(onStack("stdw [%r10-8], -1\nmov %r1, 1\nlock fetch add32 [%r10-8], %r1\n"
                "mov %r0, %r1\nexit") == 0xffffffffu);
  CHECK(onStack("stdw [%r10-8], 0xc\nmov %r1, 3\nlock fetch or [%r10-8], %r1\nmov %r0, %r1\n"
                "exit") == 0xc);
  CHECK(onStack("stdw [%r10-8], 0xc\nmov %r1, 6\nlock fetch and32 [%r10-8], %r1\n"
                "ldxw %r0, [%r10-8]\nmul %r1, 1000\nadd %r0, %r1\nexit") == 12004);
  CHECK(onStack("stdw [%r10-8], 0xc\nmov %r1, 6\nlock fetch xor [%r10-8], %r1\n"
                "ldxdw %r0, [%r10-8]\nmul %r1, 1000\nadd %r0, %r1\nexit") == 12010);
}

TEST_CASE("xchg and cmpxchg, 64 and 32 bits") {
  CHECK(onStack("stdw [%r10-8], 7\nmov %r1, 9\nlock xchg [%r10-8], %r1\n"
                "ldxdw %r0, [%r10-8]\nmul %r1, 1000\nadd %r0, %r1\nexit") == 7009);
  // xchg32: r1 gets the old low word zero-extended; the high word of memory is untouched.
  CHECK(onStack("stdw [%r10-8], -1\nlddw %r1, 0x100000002\nlock xchg32 [%r10-8], %r1\n"
                "mov %r0, %r1\nexit") == 0xffffffffu);
  CHECK(onStack("stdw [%r10-8], -1\nlddw %r1, 0x100000002\nlock xchg32 [%r10-8], %r1\n"
                "ldxdw %r0, [%r10-8]\nexit") == 0xffffffff00000002u);
  // cmpxchg: r0 always receives the old value; memory changes only when it equalled r0.
  CHECK(onStack("stdw [%r10-8], 5\nmov %r0, 5\nmov %r1, 8\nlock cmpxchg [%r10-8], %r1\n"
                "ldxdw %r2, [%r10-8]\nmul %r0, 1000\nadd %r0, %r2\nexit") == 5008);
  CHECK(onStack("stdw [%r10-8], 5\nmov %r0, 6\nmov %r1, 8\nlock cmpxchg [%r10-8], %r1\n"
                "ldxdw %r2, [%r10-8]\nmul %r0, 1000\nadd %r0, %r2\nexit") == 5005);
  // cmpxchg32 compares the low halves (r0's high half is ignored) and zero-extends into r0.
  CHECK(onStack("stdw [%r10-8], -1\nlddw %r0, 0x1ffffffff\nmov %r1, 2\n"
                "lock cmpxchg32 [%r10-8], %r1\nexit") == 0xffffffffu);
  CHECK(onStack("stdw [%r10-8], -1\nlddw %r0, 0x1ffffffff\nmov %r1, 2\n"
                "lock cmpxchg32 [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit") == 0xffffffff00000002u);
}

TEST_CASE("the stack is 512 bytes per frame and zeroed at the start of a run") {
  CHECK(onStack("ldxdw %r0, [%r10-512]\nexit") == 0);
  CHECK(onStack("stdw [%r10-512], 3\nldxdw %r0, [%r10-512]\nexit") == 3);
}
