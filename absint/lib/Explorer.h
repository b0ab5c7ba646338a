// The exploration engine: follows every path through the program depth first, keeping the
// state at each merge point as a checkpoint; a path whose state a completely explored
// checkpoint covers is pruned (every continuation of it was checked already), a path that
// returns to a loop head in exactly the state it had there is an infinite loop, and budgets
// bound the whole search. This is the kernel's strategy (do_check with is_state_visited),
// over bpfcheck's domains. Private to absint.
#pragma once

#include "Analysis.h"

#include "bpfcheck/absint/Obligation.h"

#include <chrono>
#include <deque>
#include <map>
#include <unordered_map>

namespace bpfcheck::absint::detail {

/// What kind of pruning an instruction allows.
enum class PrunePoint : std::uint8_t {
  None,
  Merge,      ///< a block with several predecessors, or a loop head explored iteration by iteration
  Bounded,    ///< a callback-calling helper or may_goto: revisiting an ancestor is not a loop
  Summarized, ///< a loop head widened until it holds; the loop must be proven to end
};

/// What the explorers of one program share: computed once, read only.
struct ExplorationPlan {
  ExplorationPlan(const ProgramCode &code, LoopMode loops);

  std::vector<std::uint16_t> live; ///< registers live before each instruction
  std::vector<PrunePoint> prunePoints;
  std::vector<bool> loopHeads; ///< heads of loops (natural or irreducible)
  /// Merge points where paths may be joined once there are many: outside loops, whose
  /// unrolled iterations a join would blur into an endless loop; inside summarised loops
  /// too (but never at their heads, which widen instead).
  std::vector<bool> mayJoin;
  /// Bounds widening stops at: the constants the program compares with, and their
  /// neighbours, sorted.
  std::vector<std::uint64_t> thresholds;
  /// Loops summarised: (function, loop) of ProgramCode, to be proven to end.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> summarizedLoops;
  /// Whether loops bounded by may_goto or a callback helper are widened after many
  /// iterations (false: walked iteration by iteration while their states differ).
  bool widenBoundedLoops = true;

private:
  void markLoops(const ProgramCode &code, LoopMode loops);
  void markJoins(const ProgramCode &code);
};

/// A termination proof's walk of one loop from one of its head states: every path round
/// the loop, and what each location (register or 8-byte stack slot of the loop's frame)
/// became relative to its value at the head.
struct LoopWalk {
  std::uint32_t head = 0;
  std::size_t depth = 0;    ///< frames of the loop's function in the head state
  std::vector<bool> inLoop; ///< per instruction
  PinnedIds headIds;        ///< the identities the head state's values were given
  /// Per location: its identity and delta at the head (0: not a linked scalar).
  std::vector<std::pair<std::uint32_t, std::int64_t>> headLinks;
  /// Per path back to the head: per location, how much it moved (absent: not known).
  std::vector<std::vector<std::optional<std::int64_t>>> steps;
  /// Per location: the hull of its values on those paths' return to the head.
  std::vector<std::optional<Scalar>> returnValues;
};

/// Locations a termination proof follows: r0-r9, then the 64 stack slots of the frame.
inline constexpr std::size_t loopLocationCount = 10 + 64;
/// The value at a location of the innermost frame (null if none there).
const RegisterValue *locationValue(const AbstractState &state, std::size_t location);
/// "r6", "fp-16".
std::string locationName(std::size_t location);

/// The states that reached each summarised loop head in one analysis, joined per head and
/// call depth: one step of a descending (narrowing) iteration. A later analysis stops its
/// widenings at these states where they cover what the widening must (see Widening.cpp);
/// its exploration from there checks that they hold, so they are hints, never trusted.
class LoopHeadStates {
public:
  void add(std::uint32_t head, const AbstractState &state);
  /// The join of the states that reached `head` with `depth` frames (null if none did).
  const AbstractState *at(std::uint32_t head, std::size_t depth) const;
  /// Whether both hold the same heads with states that include each other.
  bool sameAs(const LoopHeadStates &other) const;

private:
  std::map<std::pair<std::uint32_t, std::size_t>, AbstractState> states;
};

/// What an analysis with narrowing reads and writes.
struct Narrowing {
  const LoopHeadStates *hints = nullptr; ///< where widenings at summarised heads may stop
  /// Collects the states that reach summarised loop heads; the exploration then goes on
  /// past rejected paths (keeping the first rejection), so that every arrival is seen.
  LoopHeadStates *arrivals = nullptr;
};

struct Checkpoint {
  AbstractState state;
  std::int64_t parent = -1;
  std::uint32_t openPaths = 1; ///< paths through it still being explored (0: complete)
  std::uint32_t index = 0;     ///< the instruction it was taken at
  std::uint64_t hash = 0;      ///< stateHash(state)
  std::uint32_t hits = 0;      ///< paths it pruned
  std::uint32_t misses = 0;    ///< paths it was compared with and did not cover
  /// False once an obligation below it was proven from what the path did before it: a path
  /// its state covers need not do the same, so it may not be pruned here.
  bool mayPrune = true;
};

/// The path since its last cut, as a prover is asked about it (Obligation.h): the state at
/// the cut, and the steps since, in a list shared with the paths that branched off it.
/// Empty (no start) when no prover is used.
class PathTrail {
public:
  PathTrail() = default;
  /// A trail starting at `state`; checkpoints numbered `firstCheckpointAfter` and above lie
  /// on the path after the start.
  PathTrail(const AbstractState &state, std::uint32_t index, std::int64_t firstCheckpointAfter,
            bool fromEntry);

  bool tracked() const { return start != nullptr; }
  std::uint32_t length() const { return steps; }
  std::int64_t firstCheckpointAfterStart() const { return firstCheckpointAfter; }
  void append(PathStep step);
  /// The path, oldest step first.
  ObligationPath path() const;

private:
  struct Node {
    std::shared_ptr<const Node> previous;
    PathStep step;
  };
  std::shared_ptr<const AbstractState> start;
  std::uint32_t startIndex = 0;
  bool fromEntry = false;
  std::int64_t firstCheckpointAfter = 0;
  std::shared_ptr<const Node> last;
  std::uint32_t steps = 0;
};

/// The caller's prover with the per-program budget of VerifyOptions::proverMilliseconds,
/// shared by every analysis of one program.
class BudgetedProver final : public ObligationProver {
public:
  BudgetedProver(ObligationProver &prover, std::uint64_t budgetMilliseconds)
      : prover(prover), budgetMilliseconds(budgetMilliseconds) {}
  ObligationAnswer prove(const ProgramInput &input, const Obligation &obligation) override;

  std::uint32_t asked = 0;
  std::uint64_t spentMicroseconds = 0;

private:
  ObligationProver &prover;
  std::uint64_t budgetMilliseconds;
};

struct PendingPath {
  AbstractState state;
  std::uint32_t index;
  std::int64_t checkpoint;
  PathTrail trail;
};

class Explorer {
public:
  /// Explores from the program's entry, or from a global function's (`entry`).
  Explorer(const ProgramInput &input, const VerifyOptions &options, VerifyResult &result,
           Analysis &analysis, const ExplorationPlan &plan, const GlobalFunctionSignature *entry,
           Narrowing narrowing = {});

  /// False when a path was rejected (or a budget ran out).
  bool run();
  /// Walks the loop of `walk` from `head` (a state at its head): every path that goes
  /// round it ends back at the head, where what it changed is recorded. False when a path
  /// was rejected or a budget ran out.
  bool runLoopWalk(AbstractState head, LoopWalk &walk);

  /// The checkpoints taken at `index`.
  std::vector<const AbstractState *> statesAt(std::uint32_t index) const;

private:
  /// Follows one path; false when the whole analysis must stop.
  bool explore(PendingPath path);
  /// Whether a walk's path has left the loop, or come back to its head (and recorded).
  bool walkPathEnds(const AbstractState &state, std::uint32_t index);
  void pathEnded(std::int64_t checkpoint);
  void record(const AbstractState &state, std::uint32_t index);
  void finishInvariants();
  /// Replaces `state` by the join of every state joined at this merge point so far (scalars
  /// that keep changing are widened to unknown); false if the states cannot be joined.
  bool joinIntoSummary(AbstractState &state, std::uint32_t index);
  /// Replaces `state` by its join with `previous`, widening what changed (at summarised loop
  /// heads to the narrowing hint or the next threshold, to unknown elsewhere).
  bool widenInto(const AbstractState &previous, AbstractState &state, bool summarized,
                 std::uint32_t index);
  /// Whether a kept state covers `state` at `index`, so that the path may end.
  bool covered(const AbstractState &state, std::uint32_t index);
  bool overBudget(std::uint32_t index, std::int64_t parent);
  /// Which loop the path was going round when a budget ran out, and what kept changing.
  std::string loopDiagnosis(std::int64_t parent) const;
  void reject(Diagnostic diagnostic, std::uint32_t index);
  /// Appends to the trail of one successor of instruction `index` what the prover cannot
  /// rebuild of it (which way a branch went, a call's result); nothing for most instructions.
  void recordStep(PathTrail &trail, std::uint32_t index, const Successor &successor) const;
  /// Puts the violation found at `index` to the prover (Obligations.cpp). Proven
  /// unreachable: `outcome` loses its violation and has no successor. Proven in bounds: the
  /// access is stepped again from its state with its bounds checks passed. Otherwise the
  /// violation stays, with what the prover found added to its message.
  void discharge(const PathTrail &trail, std::int64_t parent, std::uint32_t index,
                 StepOutcome &outcome);
  bool proverAvailable() const { return options.prover && !walk; }
  /// The identities that must match themselves when states are compared (a walk's).
  PinnedIds pinnedIds() const { return walk ? walk->headIds : PinnedIds{}; }

  const ProgramInput &input;
  const VerifyOptions &options;
  VerifyResult &result;
  Analysis &analysis;
  const ExplorationPlan &plan;
  const GlobalFunctionSignature *entry;
  Narrowing narrowing;
  LoopWalk *walk = nullptr;
  bool atWalkStart = false;
  /// Per merge point where paths are joined: the join so far, and how often it grew.
  std::unordered_map<std::uint32_t, std::pair<AbstractState, std::uint32_t>> summaries;
  /// The newest checkpoint taken at each instruction.
  std::unordered_map<std::uint32_t, std::uint32_t> lastCheckpointAt;
  /// Branches whose other side waits to be explored, at most (the kernel's
  /// BPF_COMPLEXITY_LIMIT_JMP_SEQ).
  static constexpr std::size_t maximumPendingBranches = 8192;
  /// Steps a trail keeps before it starts again from the current state: what one question
  /// to the prover holds (Z3 takes seconds to take in, and to free, a path of a thousand
  /// loop iterations; a corpus loop did).
  static constexpr std::uint32_t maximumTrailSteps = 256;
  /// Iterations of a bounded loop explored one by one before widening.
  static constexpr std::size_t iterationsBeforeWidening = 64;
  /// Iterations of a summarised loop explored one by one before widening.
  static constexpr std::size_t iterationsBeforeSummary = 3;
  /// Per instruction: the complete checkpoints worth comparing with (those that keep
  /// missing are dropped, as the kernel does: pruning less is always sound).
  std::vector<std::vector<std::uint32_t>> completeAt;
  /// Per instruction: checkpoints still being explored (ancestors of the current path), by
  /// hash: a path that comes back to one of them in the same state loops forever.
  std::vector<std::unordered_multimap<std::uint64_t, std::uint32_t>> inProgressAt;
  std::deque<Checkpoint> checkpoints;
  /// With recordInvariants: per instruction, the join of the states seen there (one per
  /// call stack shape).
  std::vector<std::vector<AbstractState>> seen;
  std::vector<PendingPath> pending;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::uint64_t stateBytes = 0;
};

/// A scalar that changed since `previous` becomes unknown (or, with thresholds, moves its
/// bounds out to the next threshold), so that repeated joins stop growing. Where `hint`
/// holds a value at the same place that covers the joined one and lies within the widened
/// one, the widening stops at the hint instead.
void widenChangedValues(const AbstractState &previous, AbstractState &joined,
                        const std::vector<std::uint64_t> *thresholds,
                        const AbstractState *hint = nullptr);

/// Sets the instruction, its text and its source location of `diagnostic`.
void placeDiagnostic(Diagnostic &diagnostic, const ProgramCode &code, std::uint32_t index);

/// "the loop at insn 12 (file.c:26)".
std::string describeLoop(const ProgramCode &code, std::uint32_t head);

/// Proves that every loop summarised while exploring ends: see Termination.cpp.
std::optional<Diagnostic> proveLoopsEnd(const ProgramInput &input, const VerifyOptions &options,
                                        VerifyResult &result, Analysis &analysis,
                                        const ExplorationPlan &plan, const Explorer &explored);

} // namespace bpfcheck::absint::detail
