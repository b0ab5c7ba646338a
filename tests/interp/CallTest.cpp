// Calls: bpf-to-bpf calls with real 512-byte frames and callee-saved r6..r9, the limit of 8
// frames, tail calls (the kernel's limit of 33 per run, failures continuing), callbacks run
// by helpers (bpf_loop, bpf_for_each_map_elem), callx, may_goto, and helpers the
// environment does not provide.
#include "InterpTestSupport.h"
#include "bpfcheck/ir/Hex.h"

#include <cstdio>

using namespace bpfcheck::interp;
using namespace bpfcheck::interp::test;
using bpfcheck::hexNumber;

namespace {

/// A run that must complete, in `mode`.
RunResult completedRun(const DecodedProgram &program, TestEnvironment &environment,
                       ExecutionMode mode, const RunInput &input = {}) {
  const RunResult result = runProgram(program, environment, input, mode);
  REQUIRE_MESSAGE(result.completed(), faultMessage(result));
  return result;
}

} // namespace

TEST_CASE("local calls: r1-r5 passed, r6-r9 preserved, r0 returned, a fresh frame 512 below") {
  // The conformance suite's call_local checks r6-r9 too; here also the frames.
  CHECK(returnValue("mov %r6, 6\nmov %r7, 7\nmov %r8, 8\nmov %r9, 9\n"
                    "mov %r1, 1\nmov %r5, 5\ncall local f\n"
                    "mov %r1, %r6\nadd %r1, %r7\nadd %r1, %r8\nadd %r1, %r9\n"
                    "mul %r1, 100\nadd %r0, %r1\nexit\n"
                    "f:\nmov %r6, 0\nmov %r7, 0\nmov %r8, 0\nmov %r9, 0\n"
                    "mov %r0, %r1\nadd %r0, %r5\nexit") == 3006);
  // The callee's r10 is the caller's minus 512.
  CHECK(returnValue("mov %r1, %r10\ncall local f\nexit\n"
                    "f:\nmov %r0, %r1\nsub %r0, %r10\nexit") == 512);
  // Each frame has its own stack; the callee can use a pointer into its caller's frame.
  CHECK(returnValue("stdw [%r10-8], 1\nstdw [%r10-16], 42\nmov %r1, %r10\nadd %r1, -16\n"
                    "call local f\nldxdw %r1, [%r10-8]\nmul %r1, 1000\nadd %r0, %r1\nexit\n"
                    "f:\nstdw [%r10-8], 7\nldxdw %r0, [%r1]\nldxdw %r2, [%r10-8]\n"
                    "mul %r2, 100\nadd %r0, %r2\nexit") == 1742);
}

TEST_CASE("calls nest up to 8 frames (MAX_CALL_FRAMES), the ninth is refused") {
  // f runs in frame r1 (main is frame 0) and recurses until r1 == depth.
  const auto recursion = [](int depth) {
    return "mov %r1, 1\ncall local f\nexit\n"
           "f:\nmov %r0, %r1\njeq %r1, " +
           std::to_string(depth) + ", done\nadd %r1, 1\ncall local f\ndone:\nexit";
  };
  CHECK(returnValue(recursion(7)) == 7);
  for (const ExecutionMode mode : {ExecutionMode::Fast, ExecutionMode::Checked}) {
    const DecodedProgram program = assembleProgram(recursion(8));
    TestEnvironment environment;
    const RunResult result = runProgram(program, environment, {}, mode);
    REQUIRE_FALSE(result.completed());
    CHECK(result.fault->kind == FaultKind::CallDepthExceeded);
    CHECK(result.fault->instruction == 6); // the call in f, made from frame 7
    CHECK(result.fault->message == "insn 6: the call would be frame 9, past 8 (MAX_CALL_FRAMES)");
  }
}

TEST_CASE("tail calls: at most 33 per run, then the call fails and execution continues") {
  TestEnvironment environment;
  environment.programArrays.resize(1);
  // Counts its runs in *ctx and tail-calls itself through slot 0.
  const DecodedProgram program =
      assembleProgram("mov %r6, %r1\nldxdw %r0, [%r6]\nadd %r0, 1\nstxdw [%r6], %r0\n"
                      "mov %r1, %r6\nlddw %r2, " +
                      hexNumber(environment.programArrayAddress(0)) +
                      "\nmov %r3, 0\ncall 12\nldxdw %r0, [%r6]\nexit");
  environment.programArrays[0].slots = {&program};
  for (const ExecutionMode mode : {ExecutionMode::Fast, ExecutionMode::Checked}) {
    std::uint64_t runs = 0;
    const MemoryRegion ctx{reinterpret_cast<std::uintptr_t>(&runs), sizeof runs, true,
                           RegionKind::Context, "ctx"};
    RunInput input;
    input.arguments[0] = reinterpret_cast<std::uintptr_t>(&runs);
    input.regions = std::span(&ctx, 1);
    const RunResult result = completedRun(program, environment, mode, input);
    CHECK(result.tailCallsTaken == 33);
    CHECK(result.returnValue == 34); // the first run and 33 tail-called ones
  }
}

TEST_CASE("a failed tail call continues after the call, a taken one replaces the function") {
  TestEnvironment environment;
  environment.programArrays.resize(1);
  const DecodedProgram target = assembleProgram("mov %r0, 7\nexit", "target");
  const std::string array = hexNumber(environment.programArrayAddress(0));
  // Index 1 is past the array (not counted); slot 0 is empty (counted, as the kernel does).
  const DecodedProgram outOfRange =
      assembleProgram("lddw %r2, " + array + "\nmov %r3, 1\ncall 12\nmov %r0, 99\nexit");
  environment.programArrays[0].slots = {nullptr};
  RunResult result = completedRun(outOfRange, environment, ExecutionMode::Checked);
  CHECK(result.returnValue == 99);
  CHECK(result.tailCallsTaken == 0);
  const DecodedProgram emptySlot =
      assembleProgram("lddw %r2, " + array + "\nmov %r3, 0\ncall 12\nmov %r0, 98\nexit");
  result = completedRun(emptySlot, environment, ExecutionMode::Checked);
  CHECK(result.returnValue == 98);
  CHECK(result.tailCallsTaken == 1);
  // From a subprogram, the target replaces the subprogram: its r0 returns to main.
  environment.programArrays[0].slots = {&target};
  const DecodedProgram fromSubprogram =
      assembleProgram("call local f\nadd %r0, 100\nexit\nf:\nlddw %r2, " + array +
                      "\nmov %r3, 0\ncall 12\nmov %r0, 1\nexit");
  for (const ExecutionMode mode : {ExecutionMode::Fast, ExecutionMode::Checked})
    CHECK(completedRun(fromSubprogram, environment, mode).returnValue == 107);
}

TEST_CASE("bpf_loop runs a callback in a new frame that can use its caller's stack") {
  // bpf_loop(5, cb, &sum, 0) with cb(i, ctx) { *ctx += i; return 0; }: sum 10, returns 5.
  std::vector<RawInstruction> slots =
      assembleSlots("stdw [%r10-8], 0\nmov %r1, 5\nlddw %r2, 0\nmov %r3, %r10\nadd %r3, -8\n"
                    "mov %r4, 0\ncall 181\nldxdw %r1, [%r10-8]\nmul %r0, 1000\nadd %r0, %r1\n"
                    "exit\n"
                    "ldxdw %r3, [%r2]\nadd %r3, %r1\nstxdw [%r2], %r3\nmov %r0, 0\nexit");
  loadFunctionAddress(slots, 2, 12);
  CHECK(returnValue(predecodeSlots(slots)) == 5010);

  // A callback returning 1 stops the loop: bpf_loop returns the number of calls.
  slots = assembleSlots("mov %r1, 10\nlddw %r2, 0\nmov %r3, 0\nmov %r4, 0\ncall 181\nexit\n"
                        "mov %r0, 0\njne %r1, 2, +1\nmov %r0, 1\nexit");
  loadFunctionAddress(slots, 1, 7);
  CHECK(returnValue(predecodeSlots(slots)) == 3);
}

TEST_CASE("bpf_for_each_map_elem passes map, key and value pointers to the callback") {
  // cb(map, key, value, ctx) { *ctx += *value * (*key + 1); return 0; }
  std::vector<RawInstruction> slots = assembleSlots(
      "stdw [%r10-8], 0\nlddw %r1, 0\nlddw %r2, 0\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 0\n"
      "call 164\nldxdw %r1, [%r10-8]\nmul %r0, 1000\nadd %r0, %r1\nexit\n"
      "ldxw %r5, [%r2]\nadd %r5, 1\nldxdw %r6, [%r3]\nmul %r6, %r5\n"
      "ldxdw %r7, [%r4]\nadd %r7, %r6\nstxdw [%r4], %r7\nmov %r0, 0\nexit");
  loadFunctionAddress(slots, 3, 13);
  for (const ExecutionMode mode : {ExecutionMode::Fast, ExecutionMode::Checked}) {
    TestEnvironment environment;
    slots[1] = raw(0x18, 1, 0, 0, std::int32_t(environment.mapAddress()));
    slots[2] = raw(0, 0, 0, 0, std::int32_t(environment.mapAddress() >> 32));
    const DecodedProgram program = predecodeSlots(slots);
    const std::uint64_t values[] = {5, 6, 7, 8};
    std::memcpy(environment.map.values.data(), values, sizeof values);
    // 5*1 + 6*2 + 7*3 + 8*4 = 70, over 4 elements.
    CHECK(completedRun(program, environment, mode).returnValue == 4070);
  }
}

TEST_CASE("callbacks count toward the 8 frames, a bad callback address is refused") {
  // Main (frame 0) calls f (frame 1), f calls bpf_loop whose callback runs in frame 2: its
  // r10 is 512 below f's, which f passes as the callback's ctx.
  std::vector<RawInstruction> slots =
      assembleSlots("call local f\nexit\n"
                    "f:\nmov %r1, 1\nlddw %r2, 0\nmov %r3, %r10\nmov %r4, 0\ncall 181\n"
                    "ldxdw %r0, [%r10-8]\nexit\n"
                    "mov %r0, %r2\nsub %r0, %r10\nstxdw [%r2-8], %r0\nmov %r0, 1\nexit");
  loadFunctionAddress(slots, 3, 10);
  CHECK(returnValue(predecodeSlots(slots)) == 512);

  const DecodedProgram badAddress =
      assembleProgram("mov %r1, 1\nmov %r2, 12345\nmov %r3, 0\nmov %r4, 0\ncall 181\nexit");
  TestEnvironment environment;
  const RunResult result = runProgram(badAddress, environment);
  REQUIRE_FALSE(result.completed());
  CHECK(result.fault->kind == FaultKind::BadCallTarget);
  CHECK(result.fault->message ==
        "insn 4: callback address 0x3039 is not a function of program 'test'");
}

TEST_CASE("callx calls the function whose address the program loaded") {
  std::vector<RawInstruction> slots =
      assembleSlots("lddw %r1, 0\nmov %r2, 40\ncall %r1\nadd %r0, 2\nexit\n"
                    "mov %r0, %r2\nexit");
  loadFunctionAddress(slots, 0, 6);
  CHECK(returnValue(predecodeSlots(slots)) == 42);
}

TEST_CASE("may_goto falls through 8M times per frame, then jumps (BPF_MAX_LOOPS)") {
  std::vector<RawInstruction> slots =
      assembleSlots("mov %r0, 0\nloop:\nja +2\nadd %r0, 1\nja loop\nexit");
  slots[1].opcode = 0xe5; // may_goto +2
  TestEnvironment environment;
  const RunResult result =
      runProgram(predecodeSlots(slots), environment, {}, ExecutionMode::Fast, 100'000'000);
  REQUIRE_MESSAGE(result.completed(), faultMessage(result));
  CHECK(result.returnValue == MayGotoBudget);
}

TEST_CASE("a helper or kfunc the environment does not provide stops the run, named") {
  TestEnvironment environment;
  RunResult result =
      runProgram(assembleProgram("mov %r1, 0\nmov %r2, 0\ncall 6\nexit"), environment);
  REQUIRE_FALSE(result.completed());
  CHECK(result.fault->kind == FaultKind::HelperNotProvided);
  CHECK(result.fault->instruction == 2);
  CHECK(result.fault->message ==
        "insn 2: helper bpf_trace_printk (6) is not provided by the environment");

  std::vector<RawInstruction> slots = assembleSlots("mov %r0, 0\nexit");
  slots.insert(slots.begin() + 1, raw(0x85, 0, 2, 0, 12345)); // call kfunc, BTF id 12345
  result = runProgram(predecodeSlots(slots), environment, {}, ExecutionMode::Checked);
  REQUIRE_FALSE(result.completed());
  CHECK(result.fault->kind == FaultKind::HelperNotProvided);
  CHECK(result.fault->message ==
        "insn 1: kfunc with BTF id 12345 is not provided by the environment");
}
