// Termination of summarised loops. The exploration widened each such loop at its head until
// one state held for every iteration: that proves every access safe, not that the loop
// ends. Here each loop is walked once more from each of its head states, with every value
// of the loop's frame pinned to an identity of its own, so that a path back to the head
// shows, for each register and 8-byte stack slot, whether it moved by a constant (linked
// scalars carry the delta). The loop ends when one location moves in the same direction
// on every path, and the range it has at the head (over all head states) allows at most
// maximumLoopIterations such steps without wrapping round: a ranking function.

#include "Explorer.h"

#include <limits>
#include <unordered_map>

namespace bpfcheck::absint::detail {
namespace {

RegisterValue *locationValue(AbstractState &state, std::size_t location) {
  Frame &frame = state.current();
  if (location < 10)
    return &frame.registers[location];
  auto &slots = frame.stack.allSlots();
  const std::size_t slot = location - 10;
  return slot < slots.size() && slots[slot].spillSize == 8 ? &slots[slot].spilled : nullptr;
}

/// `head` with every scalar given a fresh identity (copies keep sharing theirs), and every
/// scalar location of the loop's frame one, recorded in `walk`.
AbstractState pinHeadValues(AbstractState head, Analysis &analysis, LoopWalk &walk) {
  walk.headIds.first = analysis.freshId();
  walk.headIds.last = walk.headIds.first;
  auto fresh = [&] { return walk.headIds.last = analysis.freshId(); };
  std::unordered_map<std::uint32_t, std::uint32_t> renamed;
  bool firstUsed = false;
  head.forEachValue([&](RegisterValue &value) {
    if (!value.isScalar() || value.id == 0)
      return;
    auto [it, inserted] = renamed.try_emplace(value.id, 0);
    if (inserted)
      it->second = firstUsed ? fresh() : walk.headIds.first;
    firstUsed = true;
    value.id = it->second;
  });
  walk.headLinks.assign(loopLocationCount, {0, 0});
  for (std::size_t location = 0; location < loopLocationCount; ++location) {
    RegisterValue *value = locationValue(head, location);
    if (!value || !value->isScalar())
      continue;
    if (value->id == 0) {
      value->id = firstUsed ? fresh() : walk.headIds.first;
      value->idDelta = 0;
      firstUsed = true;
    }
    walk.headLinks[location] = {value->id, value->idDelta};
  }
  return head;
}

/// What every path round one loop did to one location.
struct LocationEvidence {
  bool constantStep = true; ///< moved by a known, non-zero step, in one direction, each time
  int direction = 0;        ///< +1 up, -1 down
  std::uint64_t smallestStep = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t largestStep = 0;
  std::optional<Scalar> range;       ///< its values at the head, over every head state
  std::optional<Scalar> returnRange; ///< its values when a path comes back to the head
  bool alwaysScalar = true;

  void addStep(const std::optional<std::int64_t> &step) {
    if (!step || *step == 0) {
      constantStep = false;
      return;
    }
    const int sign = *step > 0 ? 1 : -1;
    if (direction != 0 && direction != sign)
      constantStep = false;
    direction = sign;
    const std::uint64_t magnitude =
        sign > 0 ? static_cast<std::uint64_t>(*step) : 0 - static_cast<std::uint64_t>(*step);
    smallestStep = std::min(smallestStep, magnitude);
    largestStep = std::max(largestStep, magnitude);
  }

  /// How many values a step apart, consecutive ones never wrapping round, fit in `values`:
  /// a range of `width` holds at most width / smallestStep + 1, and no step wraps round
  /// while width + largestStep < 2^64 (both ends stay in the range).
  std::optional<std::uint64_t> stepsWithin(const Scalar &values) const {
    auto bound = [&](std::uint64_t width) -> std::optional<std::uint64_t> {
      if (largestStep > std::numeric_limits<std::uint64_t>::max() - width)
        return std::nullopt;
      return width / smallestStep + 1;
    };
    // Both widths are exact: maximum >= minimum in their own order.
    const auto viaUnsigned = bound(values.unsigned64.maximum.bits - values.unsigned64.minimum.bits);
    const auto viaSigned = bound(values.signed64.maximum.bits - values.signed64.minimum.bits);
    if (viaUnsigned && viaSigned)
      return std::min(*viaUnsigned, *viaSigned);
    return viaUnsigned ? viaUnsigned : viaSigned;
  }

  /// The most iterations the location allows per entry into the loop (nothing if it may
  /// wrap round). Every iteration starts in the head's range; every one but the first
  /// starts with a value a path brought back, so that range bounds them too.
  std::optional<std::uint64_t> iterationBound() const {
    if (!constantStep || !alwaysScalar || !range || direction == 0)
      return std::nullopt;
    std::optional<std::uint64_t> bound = stepsWithin(*range);
    if (returnRange)
      if (const auto later = stepsWithin(*returnRange);
          later && *later < std::numeric_limits<std::uint64_t>::max())
        bound = bound ? std::min(*bound, *later + 1) : *later + 1;
    return bound;
  }
};

/// Why no location bounds the loop, naming the closest candidate.
std::string unboundedReason(const std::vector<LocationEvidence> &evidence) {
  for (std::size_t location = 0; location < evidence.size(); ++location) {
    const LocationEvidence &e = evidence[location];
    if (!e.constantStep || !e.alwaysScalar || !e.range || e.direction == 0)
      continue;
    std::string text = locationName(location) + " moves by " + (e.direction > 0 ? "+" : "-") +
                       std::to_string(e.smallestStep) + " per iteration";
    if (const auto bound = e.iterationBound())
      return text + ", but at the loop head it ranges over " + describe(*e.range) +
             ", which allows " + std::to_string(*bound) + " iterations (at most " +
             std::to_string(maximumLoopIterations) + " are allowed, as for bpf_loop)";
    const std::string range = describe(*e.range);
    return text + ", but no bound on it was proven: at the loop head " +
           (range.empty() ? "it may be any value" : "it ranges over " + range) +
           ", which leaves room to wrap round";
  }
  return "no register or stack slot moves by a constant step in one direction on every path "
         "round it";
}

} // namespace

const RegisterValue *locationValue(const AbstractState &state, std::size_t location) {
  return locationValue(const_cast<AbstractState &>(state), location);
}

std::string locationName(std::size_t location) {
  if (location < 10)
    return registerName(static_cast<unsigned>(location));
  return "fp-" + std::to_string(8 * (location - 10 + 1));
}

std::optional<Diagnostic> proveLoopsEnd(const ProgramInput &input, const VerifyOptions &options,
                                        VerifyResult &result, Analysis &analysis,
                                        const ExplorationPlan &plan, const Explorer &explored) {
  const ProgramCode &code = *input.code;
  for (const auto &[functionIndex, loopIndex] : plan.summarizedLoops) {
    const Function &function = code.functions[functionIndex];
    const Loop &loop = function.loops[loopIndex];
    const std::uint32_t head = function.blocks[loop.header].first;
    const std::vector<const AbstractState *> headStates = explored.statesAt(head);
    if (headStates.empty())
      continue; // never reached
    LoopWalk walk;
    walk.head = head;
    walk.inLoop.assign(code.instructions.size(), false);
    for (std::uint32_t block : loop.blocks)
      for (std::uint32_t i = function.blocks[block].first; i <= function.blocks[block].last; ++i)
        walk.inLoop[i] = true;

    std::vector<LocationEvidence> evidence(loopLocationCount);
    std::size_t paths = 0;
    for (const AbstractState *state : headStates) {
      walk.depth = state->frames.size();
      walk.steps.clear();
      walk.returnValues.assign(loopLocationCount, std::nullopt);
      for (std::size_t location = 0; location < loopLocationCount; ++location) {
        const RegisterValue *value = locationValue(*state, location);
        LocationEvidence &e = evidence[location];
        if (!value || !value->isScalar())
          e.alwaysScalar = false;
        else
          e.range = e.range ? join(*e.range, value->scalar) : value->scalar;
      }
      VerifyOptions walkOptions = options;
      walkOptions.budgets.instructionsProcessed -=
          std::min(walkOptions.budgets.instructionsProcessed, result.stats.instructionsProcessed);
      walkOptions.recordInvariants = false;
      VerifyResult walked;
      Explorer walker(input, walkOptions, walked, analysis, plan, nullptr);
      const bool finished = walker.runLoopWalk(pinHeadValues(*state, analysis, walk), walk);
      result.stats.instructionsProcessed += walked.stats.instructionsProcessed;
      if (!finished) {
        Diagnostic diagnostic = walked.diagnostics.back();
        diagnostic.message = "could not prove " + describeLoop(code, head) +
                             " ends: going round it once from a state at its head, " +
                             diagnostic.message;
        return diagnostic;
      }
      for (const auto &steps : walk.steps)
        for (std::size_t location = 0; location < loopLocationCount; ++location)
          evidence[location].addStep(steps[location]);
      for (std::size_t location = 0; location < loopLocationCount; ++location)
        if (const auto &values = walk.returnValues[location]) {
          std::optional<Scalar> &hull = evidence[location].returnRange;
          hull = hull ? join(*hull, *values) : *values;
        }
      paths += walk.steps.size();
    }
    if (paths == 0) {
      ++result.stats.loopsSummarized; // it never goes round
      continue;
    }
    bool bounded = false;
    for (const LocationEvidence &e : evidence)
      if (const auto bound = e.iterationBound(); bound && *bound <= maximumLoopIterations)
        bounded = true;
    if (bounded) {
      ++result.stats.loopsSummarized;
      continue;
    }
    Diagnostic diagnostic;
    diagnostic.rule = Rule::UnboundedLoop;
    diagnostic.message =
        describeLoop(code, head) + " is not proven to end: " + unboundedReason(evidence);
    placeDiagnostic(diagnostic, code, head);
    return diagnostic;
  }
  return std::nullopt;
}

} // namespace bpfcheck::absint::detail
