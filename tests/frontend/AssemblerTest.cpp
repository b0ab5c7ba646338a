// The LLVM MC assembler: text in LLVM's BPF syntax to slots, labels and subprograms
// included, and clear errors for bad text. Expected encodings come from RFC 9669's tables.
#include "bpfcheck/frontend/Assembler.h"

#include <doctest/doctest.h>

using namespace bpfcheck;
using encoding::RawInstruction;

TEST_CASE("straight-line assembly becomes the slots of the instructions") {
  auto slots = assembleProgram("r0 = 7\n"
                               "r1 = 0x1122334455667788 ll\n"
                               "*(u32 *)(r10 - 4) = w0\n"
                               "exit\n");
  REQUIRE(slots);
  REQUIRE(slots->size() == 5);
  CHECK((*slots)[0] == RawInstruction::make(0xb7, 0, 0, 0, 7));
  CHECK((*slots)[1] == RawInstruction::make(0x18, 1, 0, 0, 0x55667788));
  CHECK((*slots)[2] == RawInstruction::make(0, 0, 0, 0, 0x11223344));
  CHECK((*slots)[3] == RawInstruction::make(0x63, 10, 0, -4, 0));
  CHECK((*slots)[4] == RawInstruction::make(0x95, 0, 0, 0, 0));
}

TEST_CASE("labels resolve to jump offsets and called labels become subprograms") {
  auto slots = assembleProgram("  if r1 > 5 goto big\n"
                               "  call helper_fn\n"
                               "  exit\n"
                               "big:\n"
                               "  r0 = 2\n"
                               "  exit\n"
                               "helper_fn:\n"
                               "  r0 = 1\n"
                               "  exit\n");
  REQUIRE(slots);
  REQUIRE(slots->size() == 7);
  CHECK((*slots)[0] == RawInstruction::make(0x25, 1, 0, 2, 5)); // to slot 3
  CHECK((*slots)[1].opcode == 0x85);
  CHECK((*slots)[1].src() == 1);
  CHECK(1 + 1 + (*slots)[1].imm == 5); // the subprogram follows the main function
}

TEST_CASE("assembly errors name the line and column") {
  auto slots = assembleProgram("r0 = 1\nr0 +== 2\nexit\n");
  REQUIRE_FALSE(slots);
  CHECK(slots.error().message.find("assembly error: 2:") == 0);

  auto badCpu = assembleProgram("exit\n", AssemblerOptions{"v9"});
  REQUIRE_FALSE(badCpu);
  CHECK(badCpu.error().message == "unknown BPF cpu 'v9' (v1, v2, v3 or v4)");
}
