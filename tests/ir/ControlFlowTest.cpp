// Functions, blocks, edges, reachability and loops built from small programs.
#include "bpfcheck/ir/ControlFlow.h"
#include "bpfcheck/ir/Decoder.h"
#include "bpfcheck/ir/Graphviz.h"

#include "../TestSupport.h"

#include <doctest/doctest.h>

using namespace bpfcheck;
using encoding::RawInstruction;

using test::exitInsn;
using test::raw;

namespace {

Expected<ProgramCode> build(const std::vector<RawInstruction> &code,
                            std::map<std::uint32_t, std::string> names = {}) {
  auto decoded = decodeProgram(code);
  REQUIRE(decoded);
  return buildProgramCode(std::move(*decoded), names);
}

} // namespace

TEST_CASE("a diamond has four blocks and no loop") {
  // 0: if r1 == 0 goto +2; 1: r0 = 1; 2: goto +1; 3: r0 = 2; 4: exit
  auto program = build({raw(0x15, 1, 0, 2, 0), raw(0xb7, 0, 0, 0, 1), raw(0x05, 0, 0, 1, 0),
                        raw(0xb7, 0, 0, 0, 2), exitInsn});
  REQUIRE(program);
  REQUIRE(program->functions.size() == 1);
  const Function &main = program->functions[0];
  CHECK(main.role == FunctionRole::Main);
  REQUIRE(main.blocks.size() == 4);
  CHECK(main.blocks[0].successors == std::vector<std::uint32_t>{1, 2});
  CHECK(main.blocks[3].predecessors.size() == 2);
  CHECK(main.loops.empty());
  for (const BasicBlock &block : main.blocks)
    CHECK(block.reachable);
}

TEST_CASE("nested loops are found with their headers, latches and depth") {
  // 0: r1 = 0
  // 1: r2 = 0            <- outer head
  // 2: r2 += 1           <- inner head
  // 3: if r2 < 4 goto -2 (to 2)
  // 4: r1 += 1
  // 5: if r1 < 4 goto -5 (to 1)
  // 6: exit
  auto program =
      build({raw(0xb7, 1, 0, 0, 0), raw(0xb7, 2, 0, 0, 0), raw(0x07, 2, 0, 0, 1),
             raw(0xa5, 2, 0, -2, 4), raw(0x07, 1, 0, 0, 1), raw(0xa5, 1, 0, -5, 4), exitInsn});
  REQUIRE(program);
  const Function &main = program->functions[0];
  REQUIRE(main.loops.size() == 2);
  const Loop &outer = main.loops[0];
  const Loop &inner = main.loops[1];
  CHECK(main.blocks[outer.header].first == 1);
  CHECK(main.blocks[inner.header].first == 2);
  CHECK(outer.depth == 1);
  CHECK(inner.depth == 2);
  CHECK(inner.parent == 0u);
  CHECK(outer.blocks.size() > inner.blocks.size());
  CHECK(main.irreducibleEdges.empty());
}

TEST_CASE("subprograms and callbacks become functions; unreachable code is marked") {
  // 0: call +3 (to 4)     main
  // 1: r2 = func(+4) ll   (slots 1-2, target 7)
  // 3: exit
  // 4: r0 = 1             sub
  // 5: exit
  // 6: exit               unreachable in sub
  // 7: r0 = 0             callback
  // 8: exit
  auto program = build({raw(0x85, 0, 1, 0, 3), raw(0x18, 2, 4, 0, 5), raw(0, 0, 0, 0, 0), exitInsn,
                        raw(0xb7, 0, 0, 0, 1), exitInsn, exitInsn, raw(0xb7, 0, 0, 0, 0), exitInsn},
                       {{0, "prog"}, {4, "helper_fn"}});
  REQUIRE(program);
  REQUIRE(program->functions.size() == 3);
  CHECK(program->functions[0].name == "prog");
  CHECK(program->functions[1].name == "helper_fn");
  CHECK(program->functions[1].role == FunctionRole::Subprogram);
  CHECK(program->functions[2].name == "func@7");
  CHECK(program->functions[2].role == FunctionRole::Callback);
  const Function &sub = program->functions[1];
  REQUIRE(sub.blocks.size() == 2);
  CHECK(sub.blocks[0].reachable);
  CHECK_FALSE(sub.blocks[1].reachable);
  CHECK(program->slotCount() == 9);
}

TEST_CASE("a jump may not leave its function") {
  // 0: call +1 (to 2); 1: exit; 2: goto -2 (to 1) — leaves the subprogram
  auto decoded = decodeProgram(
      std::vector<RawInstruction>{raw(0x85, 0, 1, 0, 1), exitInsn, raw(0x05, 0, 0, -2, 0)});
  REQUIRE(decoded);
  auto program = buildProgramCode(std::move(*decoded), {});
  REQUIRE_FALSE(program);
  CHECK(program.error().message == "insn 2: jump to insn 1 leaves function 'func@2'");
}

TEST_CASE("a function that falls into the next is refused") {
  // 0: call +1; 1: exit; 2: r0 = 0 (falls into 3); 3: call? no: 3 is a callback entry
  auto decoded = decodeProgram(std::vector<RawInstruction>{
      raw(0x85, 0, 1, 0, 1), exitInsn, raw(0xb7, 0, 0, 0, 0), raw(0x85, 0, 1, 0, -1), exitInsn});
  REQUIRE(decoded);
  auto program = buildProgramCode(std::move(*decoded), {});
  REQUIRE_FALSE(program);
  CHECK(program.error().message.find("does not end in exit or an unconditional jump") !=
        std::string::npos);
}

TEST_CASE("the Graphviz output has a cluster per function and marks loops and dead code") {
  // 0: r1 += 1; 1: if r1 < 9 goto -2 (to 0); 2: call +1 (to 4); 3: exit; 4: exit; 5: exit
  auto program = build({raw(0x07, 1, 0, 0, 1), raw(0xa5, 1, 0, -2, 9), raw(0x85, 0, 1, 0, 1),
                        exitInsn, exitInsn, exitInsn},
                       {{0, "main"}, {4, "sub"}});
  REQUIRE(program);
  const std::string dot = writeGraphviz(*program, "g");
  CHECK(dot.find("digraph \"g\"") == 0);
  CHECK(dot.find("subgraph cluster_0 {\n    label=\"main\"") != std::string::npos);
  CHECK(dot.find("subgraph cluster_1 {\n    label=\"sub\"") != std::string::npos);
  CHECK(dot.find("f0b0 -> f0b0 [style=dashed, label=\"back\"]") != std::string::npos);
  CHECK(dot.find("penwidth=2") != std::string::npos);                        // the loop head
  CHECK(dot.find("style=filled, fillcolor=lightgrey") != std::string::npos); // insn 5
  CHECK(dot.find("1: if r1 \\< 0x9 goto -0x2\\l") != std::string::npos);     // record-escaped
}
