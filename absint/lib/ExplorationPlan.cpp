// What every explorer of a program needs to know about its code, computed once: register
// liveness, where paths may be pruned and how, which loops are summarised, and the
// constants widening stops at.

#include "Explorer.h"
#include "Liveness.h"

#include <algorithm>

namespace bpfcheck::absint::detail {
namespace {

/// Whether every iteration of `loop` passes a may_goto, which bounds it at run time.
bool everyIterationPassesMayGoto(const ProgramCode &code, const Function &function,
                                 const Loop &loop) {
  auto hasMayGoto = [&](std::uint32_t block) {
    for (std::uint32_t i = function.blocks[block].first; i <= function.blocks[block].last; ++i)
      if (std::holds_alternative<MayGoto>(code.instructions[i].insn))
        return true;
    return false;
  };
  if (hasMayGoto(loop.header))
    return true;
  // Is some latch reachable from the header within the loop without a may_goto block?
  std::vector<bool> inLoop(function.blocks.size(), false);
  for (std::uint32_t block : loop.blocks)
    inLoop[block] = true;
  std::vector<bool> visited(function.blocks.size(), false);
  std::vector<std::uint32_t> work{loop.header};
  visited[loop.header] = true;
  while (!work.empty()) {
    const std::uint32_t block = work.back();
    work.pop_back();
    if (std::find(loop.latches.begin(), loop.latches.end(), block) != loop.latches.end())
      return false;
    for (std::uint32_t next : function.blocks[block].successors)
      if (inLoop[next] && !visited[next] && next != loop.header && !hasMayGoto(next)) {
        visited[next] = true;
        work.push_back(next);
      }
  }
  return true;
}

/// The constants the program compares with, loads or computes with (64-bit and
/// sign-extended), their neighbours, and 0.
std::vector<std::uint64_t> comparedConstants(const ProgramCode &code) {
  std::vector<std::uint64_t> constants{0};
  auto add = [&](std::uint64_t value) {
    constants.push_back(value - 1);
    constants.push_back(value);
    constants.push_back(value + 1);
  };
  auto addImmediate = [&](const Operand &operand) {
    if (const Imm *imm = std::get_if<Imm>(&operand))
      add(static_cast<std::uint64_t>(static_cast<std::int64_t>(imm->value)));
  };
  for (const PlacedInstruction &placed : code.instructions) {
    if (const auto *jump = std::get_if<ConditionalJump>(&placed.insn))
      addImmediate(jump->src);
    else if (const auto *move = std::get_if<Move>(&placed.insn))
      addImmediate(move->src);
    else if (const auto *alu = std::get_if<Alu>(&placed.insn))
      addImmediate(alu->src); // masks and offsets bound what they compute
    else if (const auto *load = std::get_if<LoadImmediate64>(&placed.insn);
             load && load->kind == ImmediateKind::Value)
      add(load->value());
  }
  std::sort(constants.begin(), constants.end());
  constants.erase(std::unique(constants.begin(), constants.end()), constants.end());
  return constants;
}

} // namespace

ExplorationPlan::ExplorationPlan(const ProgramCode &code, LoopMode loops)
    : live(liveRegistersBefore(code)), prunePoints(code.instructions.size(), PrunePoint::None),
      loopHeads(code.instructions.size(), false) {
  markLoops(code, loops);
  for (std::uint32_t i = 0; i < code.instructions.size(); ++i) {
    const Instruction &insn = code.instructions[i].insn;
    if (std::holds_alternative<MayGoto>(insn))
      prunePoints[i] = PrunePoint::Bounded;
    if (const Call *call = std::get_if<Call>(&insn); call && call->kind == Call::Kind::Helper) {
      const HelperPrototype *helper = findHelper(static_cast<std::uint32_t>(call->imm));
      if (helper && helper->callback == HelperCallback::Synchronous)
        prunePoints[i] = PrunePoint::Bounded;
    }
  }
  markJoins(code);
  if (!summarizedLoops.empty())
    thresholds = comparedConstants(code);
}

void ExplorationPlan::markJoins(const ProgramCode &code) {
  mayJoin.assign(code.instructions.size(), false);
  for (const Function &function : code.functions) {
    // Blocks of loops explored iteration by iteration (all of them when the function's
    // loops are irreducible, whose bodies are not known).
    std::vector<bool> unrolled(function.blocks.size(), !function.irreducibleEdges.empty());
    for (const Loop &loop : function.loops)
      if (prunePoints[function.blocks[loop.header].first] != PrunePoint::Summarized)
        for (std::uint32_t block : loop.blocks)
          unrolled[block] = true;
    for (std::uint32_t b = 0; b < function.blocks.size(); ++b) {
      const std::uint32_t first = function.blocks[b].first;
      mayJoin[first] = !unrolled[b] && !loopHeads[first] && prunePoints[first] == PrunePoint::Merge;
    }
  }
}

void ExplorationPlan::markLoops(const ProgramCode &code, LoopMode loops) {
  // Summaries need reducible control flow: then every cycle goes round some natural loop,
  // and proving each loop ends proves every path ends.
  bool reducible = true;
  for (const Function &function : code.functions)
    reducible = reducible && function.irreducibleEdges.empty();
  const bool summarize = loops == LoopMode::Summarize && reducible;
  for (std::uint32_t f = 0; f < code.functions.size(); ++f) {
    const Function &function = code.functions[f];
    for (const BasicBlock &block : function.blocks)
      if (block.predecessors.size() > 1)
        prunePoints[block.first] = PrunePoint::Merge;
    for (const IrreducibleEdge &edge : function.irreducibleEdges)
      loopHeads[function.blocks[edge.to].first] = true;
    for (std::uint32_t l = 0; l < function.loops.size(); ++l) {
      const Loop &loop = function.loops[l];
      const std::uint32_t head = function.blocks[loop.header].first;
      loopHeads[head] = true;
      if (everyIterationPassesMayGoto(code, function, loop)) {
        prunePoints[head] = PrunePoint::Bounded;
      } else if (summarize) {
        prunePoints[head] = PrunePoint::Summarized;
        summarizedLoops.emplace_back(f, l);
      } else {
        prunePoints[head] = PrunePoint::Merge;
      }
    }
  }
}

} // namespace bpfcheck::absint::detail
