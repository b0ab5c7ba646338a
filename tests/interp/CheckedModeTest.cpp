// Checked mode as the verifier's soundness oracle: every load, store and atomic must lie in
// a live region (the current and caller frames, each its own 512 bytes; ctx; packet; input
// memory; what helpers registered), and the first that does not stops the run with the
// instruction, the access and the reason.
#include "InterpTestSupport.h"
#include "bpfcheck/ir/Hex.h"

#include <cstdio>

using namespace bpfcheck::interp;
using namespace bpfcheck::interp::test;
using bpfcheck::hexNumber;

namespace {

/// The violation that stopped a checked run of `program`.
RunFault violationOf(const DecodedProgram &program, const RunInput &input = {},
                     TestEnvironment *environment = nullptr) {
  TestEnvironment fallback;
  const RunResult result =
      runProgram(program, environment ? *environment : fallback, input, ExecutionMode::Checked);
  REQUIRE_FALSE(result.completed());
  REQUIRE(result.fault->kind == FaultKind::MemoryViolation);
  REQUIRE(result.fault->violation.has_value());
  return *result.fault;
}

} // namespace

TEST_CASE("a stack read below the frame, above r10 or in a returned callee's frame is refused") {
  RunFault fault = violationOf(assembleProgram("mov %r0, 0\nldxdw %r0, [%r10-520]\nexit"));
  CHECK(fault.instruction == 1);
  CHECK(fault.violation->reason == ViolationReason::DeadStackFrame);
  CHECK(fault.violation->access == AccessKind::Read);
  CHECK(fault.violation->size == 8);
  CHECK(fault.violation->baseRegister == 10);
  CHECK(fault.violation->offset == -520);
  CHECK(fault.message.starts_with("insn 1: read of 8 bytes at r10-520 (0x"));
  CHECK(fault.message.find("is in the stack below the live frames (stack 'frame 1' [0x") !=
        std::string::npos);

  fault = violationOf(assembleProgram("ldxb %r0, [%r10]\nexit"));
  CHECK(fault.instruction == 0);
  CHECK(fault.violation->reason == ViolationReason::OutsideEveryRegion);
  CHECK(fault.message.starts_with("insn 0: read of 1 byte at r10 (0x"));

  // After f returns, its frame is dead: the caller may not read it through r10-520.
  fault = violationOf(assembleProgram("call local f\nldxdw %r0, [%r10-520]\nexit\n"
                                      "f:\nstdw [%r10-8], 1\nmov %r0, 0\nexit"));
  CHECK(fault.instruction == 1);
  CHECK(fault.violation->reason == ViolationReason::DeadStackFrame);

  // A callee may read its caller's frame, but not across the boundary between the frames.
  CHECK(returnValue("stdw [%r10-8], 5\ncall local f\nexit\nf:\nldxdw %r0, [%r10+504]\nexit") == 5);
  fault =
      violationOf(assembleProgram("call local f\nexit\nf:\nmov %r0, 0\nldxdw %r0, [%r10-4]\nexit"));
  CHECK(fault.instruction == 3);
  CHECK(fault.violation->reason == ViolationReason::AcrossStackFrames);
}

TEST_CASE("a write or an atomic to a read-only region is refused, reads are allowed") {
  std::uint64_t context[2] = {7, 0};
  const MemoryRegion ctx{reinterpret_cast<std::uintptr_t>(context), sizeof context, false,
                         RegionKind::Context, "ctx"};
  RunInput input;
  input.arguments[0] = ctx.address;
  input.regions = std::span(&ctx, 1);
  CHECK(returnValue(assembleProgram("ldxdw %r0, [%r1]\nexit"), input) == 7);

  RunFault fault = violationOf(assembleProgram("mov %r0, 0\nstw [%r1+8], 1\nexit"), input);
  CHECK(fault.instruction == 1);
  CHECK(fault.violation->reason == ViolationReason::ReadOnlyRegion);
  CHECK(fault.violation->access == AccessKind::Write);
  CHECK(fault.violation->address == ctx.address + 8);
  CHECK(fault.message == "insn 1: write of 4 bytes at r1+8 (" + hexNumber(ctx.address + 8) +
                             ") writes a read-only region (ctx 'ctx' [" + hexNumber(ctx.address) +
                             ", +16), read-only)");
  CHECK(context[1] == 0); // refused before it happened

  fault = violationOf(assembleProgram("mov %r2, 1\nlock add [%r1], %r2\nexit"), input);
  CHECK(fault.instruction == 1);
  CHECK(fault.violation->reason == ViolationReason::ReadOnlyRegion);
  CHECK(fault.violation->access == AccessKind::ReadWrite);
}

TEST_CASE("an access past a map value a helper returned is refused") {
  TestEnvironment environment;
  const std::string text = "stw [%r10-4], 0\nlddw %r1, " + hexNumber(environment.mapAddress()) +
                           "\nmov %r2, %r10\nadd %r2, -4\ncall 1\njeq %r0, 0, out\n"
                           "ldxdw %r0, [%r0+OFFSET]\nout:\nexit";
  const auto withOffset = [&](const std::string &offset) {
    std::string program = text;
    program.replace(program.find("OFFSET"), 6, offset);
    return assembleProgram(program);
  };
  // Inside the 8-byte value: fine (the value is 0).
  const RunResult inside = runProgram(withOffset("0"), environment, {}, ExecutionMode::Checked);
  REQUIRE_MESSAGE(inside.completed(), faultMessage(inside));
  CHECK(inside.returnValue == 0);

  const RunFault fault = violationOf(withOffset("4"), {}, &environment);
  CHECK(fault.instruction == 6);
  CHECK(fault.pc == 7); // the lddw takes two slots
  CHECK(fault.violation->reason == ViolationReason::PastRegionBounds);
  const auto value = reinterpret_cast<std::uintptr_t>(environment.map.values.data());
  CHECK(fault.violation->address == value + 4);
  CHECK(fault.message == "insn 7: read of 8 bytes at r0+4 (" + hexNumber(value + 4) +
                             ") is not inside the region it reaches (map value 'test array map' [" +
                             hexNumber(value) + ", +8))");
}

TEST_CASE("a packet access past data_end is refused") {
  std::byte bytes[8] = {};
  bytes[4] = std::byte{9};
  RunInput input;
  input.packet = PacketView{bytes, sizeof bytes, false, 0, std::nullopt};
  input.arguments[0] = reinterpret_cast<std::uintptr_t>(bytes);
  CHECK(returnValue(assembleProgram("ldxw %r0, [%r1+4]\nexit"), input) == 9);
  const RunFault fault = violationOf(assembleProgram("ldxw %r0, [%r1+6]\nexit"), input);
  CHECK(fault.instruction == 0);
  CHECK(fault.violation->reason == ViolationReason::PastRegionBounds);
  CHECK(fault.message.find("(packet 'data .. data_end' [") != std::string::npos);
  // Writing a read-only packet is refused too.
  const RunFault write = violationOf(assembleProgram("stb [%r1], 1\nexit"), input);
  CHECK(write.violation->reason == ViolationReason::ReadOnlyRegion);
}

TEST_CASE("a misaligned atomic and an access to no region at all are refused") {
  RunFault fault =
      violationOf(assembleProgram("mov %r1, 1\nlock add [%r10-12], %r1\nmov %r0, 0\nexit"));
  CHECK(fault.instruction == 1);
  CHECK(fault.violation->reason == ViolationReason::Misaligned);

  fault = violationOf(assembleProgram("mov %r1, 64\nldxdw %r0, [%r1]\nexit"));
  CHECK(fault.instruction == 1);
  CHECK(fault.violation->reason == ViolationReason::OutsideEveryRegion);
  CHECK(fault.message == "insn 1: read of 8 bytes at r1 (0x40) is outside every region the "
                         "program may access");
}
