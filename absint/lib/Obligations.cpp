// What the explorer asks a prover (Obligation.h): the trail of each path since its last cut,
// and the questions put when a check fails on it.
//
// Soundness: a proof holds for the concrete states the trail's start covers, followed along
// the trail. A checkpoint taken after the start may cover paths that did something else
// before it, so once such a proof was used the checkpoint may not prune (mayPrune); the
// checkpoint taken at the start itself holds exactly the start state and keeps pruning.
// Trails start again wherever the state is joined or widened, and at the heads of loops
// bounded by may_goto or a callback, which prune their own iterations while in progress.

#include "Explorer.h"

#include "bpfcheck/absint/Verifier.h"

#include <algorithm>

namespace bpfcheck::absint {

std::string_view nameOf(ObligationKind kind) {
  switch (kind) {
  case ObligationKind::Unreachable:
    return "unreachable";
  case ObligationKind::InBounds:
    return "in-bounds";
  }
  return "";
}

std::string_view nameOf(ObligationStatus status) {
  switch (status) {
  case ObligationStatus::Proven:
    return "proven";
  case ObligationStatus::Refuted:
    return "refuted";
  case ObligationStatus::Unknown:
    return "unknown";
  }
  return "";
}

namespace detail {

PathTrail::PathTrail(const AbstractState &state, std::uint32_t index,
                     std::int64_t firstCheckpointAfter, bool fromEntry)
    : start(std::make_shared<const AbstractState>(state)), startIndex(index), fromEntry(fromEntry),
      firstCheckpointAfter(firstCheckpointAfter) {}

void PathTrail::append(PathStep step) {
  last = std::make_shared<const Node>(Node{std::move(last), std::move(step)});
  ++steps;
}

ObligationPath PathTrail::path() const {
  ObligationPath path;
  path.start = start;
  path.startIndex = startIndex;
  path.fromEntry = fromEntry;
  path.steps.resize(steps);
  std::size_t k = steps;
  for (const Node *node = last.get(); node; node = node->previous.get())
    path.steps[--k] = node->step;
  return path;
}

ObligationAnswer BudgetedProver::prove(const ProgramInput &input, const Obligation &obligation) {
  if (spentMicroseconds >= budgetMilliseconds * 1000) {
    ObligationAnswer spent;
    spent.explanation = "the prover's budget of " + std::to_string(budgetMilliseconds) +
                        " ms for the program was spent";
    return spent;
  }
  ObligationAnswer answer = prover.prove(input, obligation);
  ++asked;
  spentMicroseconds += answer.microseconds;
  return answer;
}

void Explorer::recordStep(PathTrail &trail, std::uint32_t index, const Successor &successor) const {
  const Instruction &insn = input.code->instructions[index].insn;
  if (std::holds_alternative<ConditionalJump>(insn) || std::holds_alternative<MayGoto>(insn)) {
    trail.append({PathStep::Kind::Branch, index, successor.index != index + 1, {}});
  } else if (const auto *call = std::get_if<Call>(&insn)) {
    // A helper's or kfunc's result, or a global function's (which is not entered).
    if (call->kind != Call::Kind::Local || successor.index == index + 1)
      trail.append({PathStep::Kind::Result, index, false, successor.state.reg(0)});
  } else if (const auto *load = std::get_if<Load>(&insn)) {
    // Pointers loaded from the context or kernel objects are what the kernel says they are.
    const RegisterValue &loaded = successor.state.reg(load->dst.index);
    if (loaded.isPointer())
      trail.append({PathStep::Kind::Result, index, false, loaded});
  }
}

void Explorer::discharge(const PathTrail &trail, std::int64_t parent, std::uint32_t index,
                         StepOutcome &outcome) {
  Diagnostic &violation = *outcome.violation;
  const RuleQuestion question = questionOf(violation.rule);
  if (question == RuleQuestion::None)
    return;
  VerifyStats &stats = result.stats;
  // (A bounds rule broken by a helper's memory argument is asked as a reachability question:
  // only loads, stores and atomics hand their state back.)
  const bool boundsQuestion = question == RuleQuestion::Bounds && outcome.accessState;
  Obligation obligation;
  obligation.kind = boundsQuestion ? ObligationKind::InBounds : ObligationKind::Unreachable;
  obligation.rule = violation.rule;
  obligation.index = index;
  obligation.path = trail.path();
  const ObligationAnswer answer = options.prover->prove(input, obligation);

  if (answer.status == ObligationStatus::Proven) {
    ++stats.obligationsProven;
    // What the path did before the checkpoints since its start was used.
    for (std::int64_t node = parent; node >= 0 && node >= trail.firstCheckpointAfterStart();
         node = checkpoints[static_cast<std::size_t>(node)].parent)
      checkpoints[static_cast<std::size_t>(node)].mayPrune = false;
    Diagnostic note = violation;
    note.severity = Severity::Note;
    note.registers.clear();
    note.message =
        std::string(obligation.kind == ObligationKind::InBounds
                        ? "the prover showed this access stays in bounds"
                        : "the prover showed that the path reaching this check is never taken") +
        ", which the abstract state alone could not (" + violation.message +
        "); the kernel's verifier cannot, and will likely reject the program";
    placeDiagnostic(note, *input.code, index);
    const bool noted = std::any_of(result.diagnostics.begin(), result.diagnostics.end(),
                                   [&](const Diagnostic &known) {
                                     return known.severity == Severity::Note &&
                                            known.insn == note.insn && known.rule == note.rule;
                                   });
    if (!noted)
      result.diagnostics.push_back(std::move(note));
    if (obligation.kind == ObligationKind::Unreachable) {
      outcome = {};
      return;
    }
    analysis.boundsProven = true;
    AbstractState before = std::move(*outcome.accessState);
    outcome = analysis.step(std::move(before), index);
    analysis.boundsProven = false;
    return;
  }
  if (answer.status == ObligationStatus::Refuted && obligation.path.fromEntry &&
      obligation.kind == ObligationKind::InBounds) {
    violation.message += "; the prover found an input that makes it happen: " + answer.explanation;
    result.counterexample = answer.counterexample;
  } else if (answer.status == ObligationStatus::Unknown && !answer.explanation.empty()) {
    violation.message += "; the prover could not decide it either (" + answer.explanation + ")";
  }
}

} // namespace detail
} // namespace bpfcheck::absint
