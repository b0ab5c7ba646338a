// The combined stack depth of call chains (check_max_stack_depth): every function's frame
// on the way down a chain of bpf-to-bpf calls (and callbacks) shares the 512-byte stack.

#include "Analysis.h"

namespace bpfcheck::absint::detail {

std::uint32_t chargedStackDepth(std::uint32_t depth) {
  return (depth + 15) / 16 * 16;
}

std::optional<Diagnostic> checkCombinedStackDepth(const ProgramCode &code,
                                                  const std::vector<std::uint32_t> &depths,
                                                  std::uint32_t &deepest) {
  std::vector<std::vector<std::uint32_t>> callees(code.functions.size());
  for (std::uint32_t f = 0; f < code.functions.size(); ++f) {
    const Function &function = code.functions[f];
    for (std::uint32_t i = function.firstInstruction; i < function.endInstruction; ++i) {
      const PlacedInstruction &placed = code.instructions[i];
      const bool refersToFunction = std::holds_alternative<Call>(placed.insn) ||
                                    std::holds_alternative<LoadImmediate64>(placed.insn);
      if (!refersToFunction)
        continue;
      if (const auto target = code.targetIndexOf(placed))
        if (const std::uint32_t callee = functionStartingAt(code, *target);
            callee != f && code.functions[callee].firstInstruction == *target)
          callees[f].push_back(callee);
    }
  }
  deepest = 0;
  std::uint32_t deepestCalls = 0;
  // Depth first over the call graph (acyclic: recursion is refused), at most 8 frames.
  auto walk = [&](auto &self, std::uint32_t f, std::uint32_t above, std::uint32_t calls) -> void {
    const std::uint32_t total = above + chargedStackDepth(depths[f]);
    if (total > deepest) {
      deepest = total;
      deepestCalls = calls;
    }
    if (calls > maximumCallFrames)
      return;
    for (std::uint32_t g : callees[f])
      self(self, g, total, calls + 1);
  };
  walk(walk, 0, 0, 1);
  if (deepest <= StackFrame::size)
    return std::nullopt;
  Diagnostic diagnostic;
  diagnostic.rule = Rule::StackDepth;
  diagnostic.message = "combined stack size of " + std::to_string(deepestCalls) + " calls is " +
                       std::to_string(deepest) +
                       ". Too large: the frames of one call chain share 512 bytes";
  return diagnostic;
}

} // namespace bpfcheck::absint::detail
