// bpfcheck-interp-bench: the interpreter's speed in nanoseconds per executed instruction, on
// an ALU-heavy loop, a loop of stack loads and stores, and a loop of bpf-to-bpf calls, in
// fast and in checked mode. Best of several runs on this machine; nothing is asserted.
//
//   bpfcheck-interp-bench [ITERATIONS]     loop iterations per program (default 10M)

#include "bpfcheck/interp/Interpreter.h"
#include "bpfcheck/ir/ControlFlow.h"
#include "bpfcheck/ir/Decoder.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace bpfcheck;
using namespace bpfcheck::interp;
using encoding::RawInstruction;

namespace {

RawInstruction insn(std::uint8_t opcode, std::uint8_t dst, std::uint8_t src, std::int16_t offset,
                    std::int32_t imm) {
  return RawInstruction::make(opcode, dst, src, offset, imm);
}

// Opcodes used below (RFC 9669 tables).
constexpr std::uint8_t MovImm = 0xb7, MovReg = 0xbf, AddReg = 0x0f, SubImm = 0x17, MulImm = 0x27,
                       XorReg = 0xaf, AndImm = 0x57, RshImm = 0x77, JneImm = 0x55, Call = 0x85,
                       Exit = 0x95, StxDw = 0x7b, LdxDw = 0x79, StxW = 0x63, LdxW = 0x61,
                       StxB = 0x73, LdxB = 0x71;

struct Benchmark {
  const char *name;
  std::vector<RawInstruction> code;
};

std::vector<Benchmark> benchmarks(std::int32_t iterations) {
  return {
      {"alu loop",
       {insn(MovImm, 0, 0, 0, 0), insn(MovImm, 1, 0, 0, iterations), insn(MovImm, 2, 0, 0, 1),
        insn(MulImm, 2, 0, 0, 31), insn(AddReg, 2, 1, 0, 0), insn(XorReg, 0, 2, 0, 0),
        insn(RshImm, 2, 0, 0, 3), insn(AddReg, 0, 2, 0, 0), insn(SubImm, 1, 0, 0, 1),
        insn(JneImm, 1, 0, -7, 0), insn(Exit, 0, 0, 0, 0)}},
      {"stack loop",
       {insn(MovImm, 0, 0, 0, 0), insn(MovImm, 1, 0, 0, iterations), insn(StxDw, 10, 1, -8, 0),
        insn(LdxDw, 2, 10, -8, 0), insn(StxW, 10, 2, -16, 0), insn(LdxW, 3, 10, -16, 0),
        insn(AddReg, 0, 3, 0, 0), insn(StxB, 10, 0, -20, 0), insn(LdxB, 4, 10, -20, 0),
        insn(AddReg, 0, 4, 0, 0), insn(SubImm, 1, 0, 0, 1), insn(JneImm, 1, 0, -10, 0),
        insn(Exit, 0, 0, 0, 0)}},
      {"call loop",
       {insn(MovImm, 7, 0, 0, 0), insn(MovImm, 6, 0, 0, iterations), insn(MovReg, 1, 6, 0, 0),
        insn(Call, 0, 1, 0, 5), insn(AddReg, 7, 0, 0, 0), insn(SubImm, 6, 0, 0, 1),
        insn(JneImm, 6, 0, -5, 0), insn(MovReg, 0, 7, 0, 0), insn(Exit, 0, 0, 0, 0),
        insn(MovReg, 0, 1, 0, 0), insn(AndImm, 0, 0, 0, 7), insn(Exit, 0, 0, 0, 0)}},
  };
}

std::optional<DecodedProgram> prepare(const Benchmark &benchmark) {
  auto decoded = decodeProgram(benchmark.code);
  if (!decoded) {
    std::fprintf(stderr, "%s: %s\n", benchmark.name, decoded.error().message.c_str());
    return std::nullopt;
  }
  auto code = buildProgramCode(std::move(*decoded), {});
  if (!code) {
    std::fprintf(stderr, "%s: %s\n", benchmark.name, code.error().message.c_str());
    return std::nullopt;
  }
  auto program = predecode(*code);
  if (!program) {
    std::fprintf(stderr, "%s: %s\n", benchmark.name, program.error().message.c_str());
    return std::nullopt;
  }
  return std::move(*program);
}

} // namespace

int main(int argc, char **argv) {
  const std::int32_t iterations = argc > 1 ? std::atoi(argv[1]) : 10'000'000;
  constexpr int repetitions = 5;
  ExecutionEnvironment environment; // the programs call no helper
  Interpreter interpreter(environment);
  std::printf("%-12s %-8s %14s %12s %10s\n", "program", "mode", "instructions", "best ms",
              "ns/insn");
  for (const Benchmark &benchmark : benchmarks(iterations)) {
    const auto program = prepare(benchmark);
    if (!program)
      return 2;
    for (const ExecutionMode mode : {ExecutionMode::Fast, ExecutionMode::Checked}) {
      double best = 1e300;
      RunResult result;
      for (int repetition = 0; repetition < repetitions; ++repetition) {
        const auto start = std::chrono::steady_clock::now();
        result = interpreter.run(*program, {}, RunOptions{mode});
        const auto end = std::chrono::steady_clock::now();
        best = std::min(best, std::chrono::duration<double, std::nano>(end - start).count());
      }
      if (!result.completed()) {
        std::fprintf(stderr, "%s: %s\n", benchmark.name, result.fault->message.c_str());
        return 1;
      }
      std::printf("%-12s %-8s %14llu %12.2f %10.3f\n", benchmark.name,
                  mode == ExecutionMode::Fast ? "fast" : "checked",
                  static_cast<unsigned long long>(result.instructionsExecuted), best / 1e6,
                  best / double(result.instructionsExecuted));
    }
  }
  return 0;
}
