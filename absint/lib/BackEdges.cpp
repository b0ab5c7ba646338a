// Loops need CAP_BPF: without it the kernel's check_cfg refuses every back edge of the
// control-flow graph ("back-edge from insn X to Y"), before any path is explored.

#include "Analysis.h"

namespace bpfcheck::absint::detail {

std::optional<std::pair<Diagnostic, std::uint32_t>> checkBackEdges(const ProgramInput &input) {
  const ProgramCode &code = *input.code;
  for (const Function &function : code.functions) {
    std::optional<std::pair<std::uint32_t, std::uint32_t>> edge; // (from block, to block)
    if (!function.loops.empty() && !function.loops.front().latches.empty())
      edge = {function.loops.front().latches.front(), function.loops.front().header};
    else if (!function.irreducibleEdges.empty())
      edge = {function.irreducibleEdges.front().from, function.irreducibleEdges.front().to};
    if (!edge)
      continue;
    const std::uint32_t from = function.blocks[edge->first].last;
    const std::uint32_t to = function.blocks[edge->second].first;
    Diagnostic diagnostic;
    diagnostic.rule = Rule::UnboundedLoop;
    diagnostic.message = "back-edge from insn " + std::to_string(code.instructions[from].pc) +
                         " to " + std::to_string(code.instructions[to].pc) +
                         ": loops need CAP_BPF, which an unprivileged loader does not have";
    return std::pair{std::move(diagnostic), from};
  }
  return std::nullopt;
}

} // namespace bpfcheck::absint::detail
