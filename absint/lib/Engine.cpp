// verify(): the program and each global function it calls are explored (Explorer.h); loops
// are unrolled as the kernel does, or summarised and proven to end (Termination.cpp), or
// summarised only when unrolling runs out of budget.

#include "Explorer.h"

#include "bpfcheck/absint/Verifier.h"
#include "bpfcheck/platform/AttachTargets.h"

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

std::string_view nameOf(LoopMode mode) {
  switch (mode) {
  case LoopMode::Unroll:
    return "unroll";
  case LoopMode::Summarize:
    return "summarize";
  case LoopMode::Auto:
    return "auto";
  }
  return "";
}

std::optional<LoopMode> loopModeNamed(std::string_view name) {
  for (LoopMode mode : {LoopMode::Auto, LoopMode::Unroll, LoopMode::Summarize})
    if (nameOf(mode) == name)
      return mode;
  return std::nullopt;
}

namespace detail {
namespace {

/// Whether some instruction calls the function starting at `entry` (or takes its address).
bool isCalled(const ProgramCode &code, std::uint32_t entry) {
  for (const PlacedInstruction &placed : code.instructions) {
    const bool refersToFunction = std::holds_alternative<Call>(placed.insn) ||
                                  std::holds_alternative<LoadImmediate64>(placed.insn);
    if (refersToFunction && code.targetIndexOf(placed) == entry)
      return true;
  }
  return false;
}

} // namespace
} // namespace detail

namespace {

/// One analysis of the program (and its global functions) with loops treated as `plan`
/// says (and summarised loop heads narrowed as `narrowing` says).
VerifyResult verifyWith(const ProgramInput &input, const VerifyOptions &options,
                        const detail::ExplorationPlan &plan, detail::Narrowing narrowing = {}) {
  VerifyResult result;
  result.stats.instructions = input.code->slotCount();
  detail::Analysis analysis(input, options);
  // The program, then the global functions, each on its own from its prototype (when
  // called); summarised loops are then proven to end.
  std::vector<const GlobalFunctionSignature *> entries{nullptr};
  for (const GlobalFunctionSignature &function : input.globalFunctions)
    if (detail::isCalled(*input.code, function.entry))
      entries.push_back(&function);
  for (const GlobalFunctionSignature *entry : entries) {
    const std::size_t diagnosticsBefore = result.diagnostics.size();
    detail::Explorer explorer(input, options, result, analysis, plan, entry, narrowing);
    bool accepted = explorer.run();
    if (accepted)
      if (auto endless = detail::proveLoopsEnd(input, options, result, analysis, plan, explorer)) {
        result.verdict = endless->rule == Rule::TooComplex ? Verdict::TooComplex : Verdict::Reject;
        result.diagnostics.push_back(std::move(*endless));
        accepted = false;
      }
    if (!accepted) {
      if (entry && result.diagnostics.size() > diagnosticsBefore)
        result.diagnostics.back().message =
            "in global function " + entry->name + ": " + result.diagnostics.back().message;
      // Collecting loop-head states for narrowing goes on with the other functions.
      if (!narrowing.arrivals || result.verdict == Verdict::TooComplex)
        return result;
    }
  }
  if (result.verdict != Verdict::Accept)
    return result;
  if (auto tooDeep = detail::checkCombinedStackDepth(*input.code, analysis.stackDepth,
                                                     result.stats.maxStackDepth)) {
    result.verdict = Verdict::Reject;
    result.diagnostics.push_back(std::move(*tooDeep));
  }
  return result;
}

/// How many descending (narrowing) steps a refused analysis with summarised loops tries.
constexpr unsigned narrowingSteps = 2;

/// An analysis with summarised loops; when it refuses the program, the loops' widened head
/// states may have lost a bound the loop itself keeps (`i < n` with `n <= 255` keeps `i <=
/// 255`, but a widening without such a threshold goes to the top): analyse again with each
/// widening stopped at the join of the states that reached the head before (a descending
/// step), which that analysis checks like any other state. The first accepting analysis
/// stands; if none accepts, the first refusal does.
VerifyResult verifySummarized(const ProgramInput &input, const VerifyOptions &options,
                              const detail::ExplorationPlan &plan) {
  VerifyResult widened = verifyWith(input, options, plan);
  if (widened.verdict != Verdict::Reject || plan.summarizedLoops.empty())
    return widened;
  detail::LoopHeadStates hints;
  std::uint64_t processed = widened.stats.instructionsProcessed;
  for (unsigned step = 0; step <= narrowingSteps; ++step) {
    detail::LoopHeadStates arrivals;
    VerifyResult narrowed = verifyWith(input, options, plan, {step ? &hints : nullptr, &arrivals});
    processed += narrowed.stats.instructionsProcessed;
    if (narrowed.verdict == Verdict::Accept) {
      narrowed.stats.narrowingSteps = step;
      narrowed.stats.instructionsProcessed = processed;
      return narrowed;
    }
    if (narrowed.verdict == Verdict::TooComplex || (step && arrivals.sameAs(hints)))
      break;
    hints = std::move(arrivals);
  }
  widened.stats.instructionsProcessed = processed;
  return widened;
}

/// The analysis with loops as `options.loops` says; loops that may_goto or a callback
/// helper bounds are widened after many iterations when `widenBoundedLoops`.
VerifyResult verifyLoops(const ProgramInput &input, const VerifyOptions &options,
                         bool widenBoundedLoops) {
  const LoopMode first = options.loops == LoopMode::Auto ? LoopMode::Unroll : options.loops;
  detail::ExplorationPlan plan(*input.code, first);
  plan.widenBoundedLoops = widenBoundedLoops;
  VerifyResult result = verifySummarized(input, options, plan);
  if (options.loops != LoopMode::Auto || result.verdict != Verdict::TooComplex)
    return result;
  // Unrolling ran out of budget, as the kernel's walk of every iteration would: try
  // summarising the loops instead, when that would treat some loop differently.
  detail::ExplorationPlan summaryPlan(*input.code, LoopMode::Summarize);
  summaryPlan.widenBoundedLoops = widenBoundedLoops;
  if (summaryPlan.summarizedLoops.empty())
    return result;
  VerifyResult summarized = verifySummarized(input, options, summaryPlan);
  summarized.stats.instructionsProcessed += result.stats.instructionsProcessed;
  summarized.stats.boundedLoopWidenings += result.stats.boundedLoopWidenings;
  if (summarized.verdict == Verdict::Accept) {
    Diagnostic warning = result.diagnostics.back();
    warning.severity = Severity::Warning;
    warning.message =
        "accepted by summarising its loops (" + std::to_string(summarized.stats.loopsSummarized) +
        " proven to end), but walking every iteration as the kernel does ran out of budget, so "
        "the kernel will likely reject it: " +
        warning.message;
    summarized.diagnostics.push_back(std::move(warning));
    return summarized;
  }
  if (!summarized.diagnostics.empty())
    result.diagnostics.back().message +=
        "; summarising the loops did not help: " + summarized.diagnostics.back().message;
  result.stats.boundedLoopWidenings += summarized.stats.boundedLoopWidenings;
  return result;
}

/// The analyses of a program with its shape checked: loops as options say, then walked or
/// path by path where widening or joins lost what the program needs.
VerifyResult verifyAll(const ProgramInput &input, const VerifyOptions &options);

std::uint64_t microsecondsSince(std::chrono::steady_clock::time_point start) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now() - start)
                                        .count());
}

} // namespace

const Diagnostic *rejection(const VerifyResult &result) {
  for (const Diagnostic &diagnostic : result.diagnostics)
    if (diagnostic.severity == Severity::Error)
      return &diagnostic;
  return nullptr;
}

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
  if (input.type == ProgramType::Lsm &&
      lsmHookKind(input.attachTargetName) == LsmHookKind::Disabled) {
    Diagnostic diagnostic;
    diagnostic.rule = Rule::AttachTarget;
    diagnostic.message = "attach_btf_id points to disabled hook bpf_lsm_" + input.attachTargetName +
                         ": BPF programs may not attach to this LSM hook";
    result.verdict = Verdict::Reject;
    result.diagnostics.push_back(std::move(diagnostic));
    return result;
  }
  // Rules of the program's shape, checked before any path (check_cfg, check_btf_func).
  auto shapeViolation = detail::checkMapReferences(input);
  if (!shapeViolation)
    shapeViolation = detail::checkAbnormalReturns(input);
  if (!shapeViolation && !options.privileged)
    shapeViolation = detail::checkBackEdges(input);
  if (shapeViolation) {
    detail::placeDiagnostic(shapeViolation->first, *input.code, shapeViolation->second);
    result.verdict = Verdict::Reject;
    result.diagnostics.push_back(std::move(shapeViolation->first));
    return result;
  }
  // Every analysis below shares the prover's budget for the program.
  std::optional<detail::BudgetedProver> budgeted;
  VerifyOptions withBudget = options;
  if (options.prover) {
    budgeted.emplace(*options.prover, options.proverMilliseconds);
    withBudget.prover = &*budgeted;
  }
  result = verifyAll(input, withBudget);
  if (budgeted) {
    result.stats.obligationsAsked = budgeted->asked;
    result.stats.proverMicroseconds = budgeted->spentMicroseconds;
  }
  result.stats.timeMicroseconds = microsecondsSince(start);
  return result;
}

namespace {

VerifyResult verifyAll(const ProgramInput &input, const VerifyOptions &options) {
  VerifyResult result = verifyLoops(input, options, true);
  if (result.verdict != Verdict::Accept && result.stats.boundedLoopWidenings > 0) {
    // Widening a loop that may_goto or a callback helper bounds lost a value the program
    // needs (the kernel keeps such values precise): walk those loops iteration by iteration.
    VerifyResult walked = verifyLoops(input, options, false);
    walked.stats.instructionsProcessed += result.stats.instructionsProcessed;
    if (walked.verdict != Verdict::TooComplex)
      result = std::move(walked);
  }
  if (result.verdict == Verdict::Reject && result.stats.joins > 0) {
    // Joining paths at a busy merge point lost a value the program needs (the exits of a
    // loop, each with its own count, meet after it): explore path by path, as the kernel
    // does, and summarise loops only when that runs out of budget.
    VerifyOptions pathByPath = options;
    pathByPath.statesBeforeJoin = 0;
    VerifyResult separate = verifyLoops(input, pathByPath, true);
    separate.stats.instructionsProcessed += result.stats.instructionsProcessed;
    if (separate.verdict != Verdict::TooComplex)
      result = std::move(separate);
  }
  return result;
}

} // namespace

} // namespace bpfcheck::absint
