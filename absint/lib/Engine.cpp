// verify(): the program and each global function it calls are explored (Explorer.h); loops
// are unrolled as the kernel does, or summarised and proven to end (Termination.cpp), or
// summarised only when unrolling runs out of budget.

#include "Explorer.h"

#include "bpfcheck/absint/Verifier.h"

#include <chrono>

namespace bpfcheck::absint {

std::string_view nameOf(Verdict verdict) {
  switch (verdict) {
  case Verdict::Accept:
    return "accept";
  case Verdict::Reject:
    return "reject";
  case Verdict::TooComplex:
    return "too_complex";
  }
  return "";
}

namespace detail {
namespace {

/// Whether some instruction calls the function starting at `entry` (or takes its address).
bool isCalled(const ProgramCode &code, std::uint32_t entry) {
  for (const PlacedInstruction &placed : code.instructions) {
    const bool refersToFunction = std::holds_alternative<Call>(placed.insn) ||
                                  std::holds_alternative<LoadImmediate64>(placed.insn);
    if (refersToFunction && targetIndex(code, placed) == entry)
      return true;
  }
  return false;
}

} // namespace
} // namespace detail

namespace {

/// One analysis of the program (and its global functions) with loops treated as `loops`.
VerifyResult verifyWith(const ProgramInput &input, const VerifyOptions &options, LoopMode loops) {
  VerifyResult result;
  result.stats.instructions = input.code->slotCount();
  const detail::ExplorationPlan plan(*input.code, loops);
  detail::Analysis analysis(input, options);
  // The program, then the global functions, each on its own from its prototype (when
  // called); summarised loops are then proven to end.
  std::vector<const GlobalFunctionSignature *> entries{nullptr};
  for (const GlobalFunctionSignature &function : input.globalFunctions)
    if (detail::isCalled(*input.code, function.entry))
      entries.push_back(&function);
  for (const GlobalFunctionSignature *entry : entries) {
    detail::Explorer explorer(input, options, result, analysis, plan, entry);
    bool accepted = explorer.run();
    if (accepted)
      if (auto endless = detail::proveLoopsEnd(input, options, result, analysis, plan, explorer)) {
        result.verdict = endless->rule == Rule::TooComplex ? Verdict::TooComplex : Verdict::Reject;
        result.diagnostics.push_back(std::move(*endless));
        accepted = false;
      }
    if (!accepted) {
      if (entry && !result.diagnostics.empty())
        result.diagnostics.back().message =
            "in global function " + entry->name + ": " + result.diagnostics.back().message;
      return result;
    }
  }
  if (auto tooDeep = detail::checkCombinedStackDepth(*input.code, analysis.stackDepth,
                                                     result.stats.maxStackDepth)) {
    result.verdict = Verdict::Reject;
    result.diagnostics.push_back(std::move(*tooDeep));
  }
  return result;
}

/// Whether summarising would treat some loop differently from unrolling it.
bool hasLoopsToSummarize(const ProgramCode &code) {
  return !detail::ExplorationPlan(code, LoopMode::Summarize).summarizedLoops.empty();
}

} // namespace

VerifyResult verify(const ProgramInput &input, const VerifyOptions &options) {
  const auto start = std::chrono::steady_clock::now();
  VerifyResult result;
  if (input.code)
    result.stats.instructions = input.code->slotCount();
  if (!input.malformed.empty() || !input.code || input.code->instructions.empty()) {
    Diagnostic diagnostic;
    diagnostic.rule = Rule::MalformedProgram;
    diagnostic.message =
        input.malformed.empty() ? "the program has no instructions" : input.malformed;
    result.verdict = Verdict::Reject;
    result.diagnostics.push_back(std::move(diagnostic));
    return result;
  }
  const LoopMode first = options.loops == LoopMode::Auto ? LoopMode::Unroll : options.loops;
  result = verifyWith(input, options, first);
  if (options.loops == LoopMode::Auto && result.verdict == Verdict::TooComplex &&
      hasLoopsToSummarize(*input.code)) {
    // Unrolling ran out of budget, as the kernel's walk of every iteration would: try
    // summarising the loops instead.
    VerifyResult summarized = verifyWith(input, options, LoopMode::Summarize);
    summarized.stats.instructionsProcessed += result.stats.instructionsProcessed;
    if (summarized.verdict == Verdict::Accept) {
      Diagnostic warning = result.diagnostics.back();
      warning.severity = Severity::Warning;
      warning.message =
          "accepted by summarising its loops (" + std::to_string(summarized.stats.loopsSummarized) +
          " proven to end), but walking every iteration as the kernel does ran out of budget, so "
          "the kernel will likely reject it: " +
          warning.message;
      summarized.diagnostics.push_back(std::move(warning));
      result = std::move(summarized);
    } else if (!summarized.diagnostics.empty()) {
      result.diagnostics.back().message +=
          "; summarising the loops did not help: " + summarized.diagnostics.back().message;
    }
  }
  result.stats.timeMicroseconds =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count());
  return result;
}

} // namespace bpfcheck::absint
