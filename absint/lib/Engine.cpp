// The exploration engine: follows every path through the program depth first, keeping the
// state at each merge point as a checkpoint; a path whose state a completely explored
// checkpoint covers is pruned (every continuation of it was checked already), a path that
// returns to a loop head in exactly the state it had there is an infinite loop, and budgets
// bound the whole search. This is the kernel's strategy (do_check with is_state_visited),
// over bpfcheck's domains.

#include "Analysis.h"
#include "Liveness.h"

#include "bpfcheck/absint/Verifier.h"
#include "bpfcheck/ir/Printer.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_map>

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

/// What kind of pruning an instruction allows.
enum class PrunePoint : std::uint8_t {
  None,
  Merge,   ///< a block with several predecessors or a loop head
  Bounded, ///< a callback-calling helper or may_goto: revisiting an ancestor is not a loop
};

struct Checkpoint {
  AbstractState state;
  std::int64_t parent = -1;
  std::uint32_t openPaths = 1; ///< paths through it still being explored (0: complete)
  std::uint32_t index = 0;     ///< the instruction it was taken at
  std::uint64_t hash = 0;      ///< stateHash(state)
  std::uint32_t hits = 0;      ///< paths it pruned
  std::uint32_t misses = 0;    ///< paths it was compared with and did not cover
};

struct PendingPath {
  AbstractState state;
  std::uint32_t index;
  std::int64_t checkpoint;
};

class Explorer {
public:
  /// Explores from the program's entry, or from a global function's (`entry`).
  Explorer(const ProgramInput &input, const VerifyOptions &options, VerifyResult &result,
           Analysis &analysis, const GlobalFunctionSignature *entry)
      : input(input), options(options), result(result), analysis(analysis), entry(entry),
        live(liveRegistersBefore(*input.code)),
        prunePoints(input.code->instructions.size(), PrunePoint::None),
        completeAt(input.code->instructions.size()), inProgressAt(input.code->instructions.size()) {
    markPrunePoints();
  }

  /// False when a path was rejected (or a budget ran out).
  bool run();

private:
  void markPrunePoints();
  bool everyIterationPassesMayGoto(const Function &function, const Loop &loop) const;
  /// Follows one path; false when the whole analysis must stop.
  bool explore(PendingPath path);
  void pathEnded(std::int64_t checkpoint);
  void record(const AbstractState &state, std::uint32_t index);
  void finishInvariants();
  /// Replaces `state` by the join of every state joined at this merge point so far (scalars
  /// that keep changing are widened to unknown); false if the states cannot be joined.
  bool joinIntoSummary(AbstractState &state, std::uint32_t index);
  /// Replaces `state` by its join with `previous`, widening the scalars that changed.
  bool widenInto(const AbstractState &previous, AbstractState &state);
  /// Whether a kept state covers `state` at `index`, so that the path may end.
  bool covered(const AbstractState &state, std::uint32_t index);
  bool overBudget(std::uint32_t index, std::int64_t parent);
  /// Which loop the path was going round when a budget ran out, and what kept changing.
  std::string loopDiagnosis(std::int64_t parent) const;
  void reject(Diagnostic diagnostic, std::uint32_t index);

  const ProgramInput &input;
  const VerifyOptions &options;
  VerifyResult &result;
  Analysis &analysis;
  const GlobalFunctionSignature *entry;
  std::vector<std::uint16_t> live;
  std::vector<PrunePoint> prunePoints;
  std::vector<bool> loopHeads; ///< where paths are never joined (loops are explored)
  /// Per merge point where paths are joined: the join so far, and how often it grew.
  std::unordered_map<std::uint32_t, std::pair<AbstractState, std::uint32_t>> summaries;
  /// The newest checkpoint taken at each instruction.
  std::unordered_map<std::uint32_t, std::uint32_t> lastCheckpointAt;
  /// Iterations of a bounded loop explored one by one before widening.
  static constexpr std::size_t iterationsBeforeWidening = 64;
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

void widenScalars(const AbstractState &previous, AbstractState &joined);

std::uint64_t approximateBytes(const AbstractState &state) {
  std::uint64_t bytes = sizeof(AbstractState);
  for (const Frame &frame : state.frames)
    bytes += sizeof(Frame) + frame.stack.allSlots().size() * sizeof(StackSlot);
  return bytes + state.references.size() * sizeof(AcquiredReference);
}

bool Explorer::everyIterationPassesMayGoto(const Function &function, const Loop &loop) const {
  const ProgramCode &code = *input.code;
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

void Explorer::markPrunePoints() {
  const ProgramCode &code = *input.code;
  loopHeads.assign(code.instructions.size(), false);
  for (const Function &function : code.functions) {
    for (const BasicBlock &block : function.blocks)
      if (block.predecessors.size() > 1)
        prunePoints[block.first] = PrunePoint::Merge;
    for (const Loop &loop : function.loops) {
      prunePoints[function.blocks[loop.header].first] = PrunePoint::Merge;
      loopHeads[function.blocks[loop.header].first] = true;
    }
    for (const IrreducibleEdge &edge : function.irreducibleEdges)
      loopHeads[function.blocks[edge.to].first] = true;
    // A loop whose every iteration passes a may_goto is bounded by it at run time.
    for (const Loop &loop : function.loops)
      if (everyIterationPassesMayGoto(function, loop))
        prunePoints[function.blocks[loop.header].first] = PrunePoint::Bounded;
  }
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
}

void Explorer::reject(Diagnostic diagnostic, std::uint32_t index) {
  const PlacedInstruction &placed = input.code->instructions[index];
  diagnostic.insn = index;
  diagnostic.pc = placed.pc;
  diagnostic.insnText = printInstruction(placed.insn);
  if (index < input.code->locations.size() && input.code->locations[index]) {
    const SourceLocation &location = *input.code->locations[index];
    diagnostic.file = location.file;
    diagnostic.line = location.line;
    diagnostic.column = location.column;
  }
  result.verdict = diagnostic.rule == Rule::TooComplex ? Verdict::TooComplex : Verdict::Reject;
  result.diagnostics.push_back(std::move(diagnostic));
}

std::string Explorer::loopDiagnosis(std::int64_t parent) const {
  // The loop head this path went round most often, among its recent checkpoints.
  std::unordered_map<std::uint32_t, std::vector<std::int64_t>> visits;
  std::int64_t node = parent;
  for (unsigned steps = 0; node >= 0 && steps < 100000; ++steps) {
    const Checkpoint &checkpoint = checkpoints[static_cast<std::size_t>(node)];
    if (loopHeads[checkpoint.index])
      visits[checkpoint.index].push_back(node);
    node = checkpoint.parent;
  }
  const std::vector<std::int64_t> *busiest = nullptr;
  std::uint32_t head = 0;
  for (const auto &[index, nodes] : visits)
    if (!busiest || nodes.size() > busiest->size()) {
      busiest = &nodes;
      head = index;
    }
  if (!busiest || busiest->size() < 2)
    return "";
  const AbstractState &latest = checkpoints[static_cast<std::size_t>((*busiest)[0])].state;
  const AbstractState &before = checkpoints[static_cast<std::size_t>((*busiest)[1])].state;
  std::string text = "; the loop at insn " + std::to_string(input.code->instructions[head].pc);
  if (head < input.code->locations.size() && input.code->locations[head])
    text += " (" + input.code->locations[head]->file + ":" +
            std::to_string(input.code->locations[head]->line) + ")";
  text += " went round " + std::to_string(busiest->size()) + " times on this path";
  if (latest.frames.size() != before.frames.size())
    return text;
  std::string changing;
  const Frame &now = latest.current();
  const Frame &then = before.current();
  for (unsigned r = 0; r < registerCount; ++r)
    if (now.registers[r].isScalar() && then.registers[r].isScalar() &&
        !includes(then.registers[r].scalar, now.registers[r].scalar))
      changing += (changing.empty() ? "" : ", ") + std::string("r") + std::to_string(r) + " (" +
                  describe(then.registers[r].scalar) + " then " +
                  describe(now.registers[r].scalar) + ")";
  if (!changing.empty())
    text += "; no bound was proven for " + changing;
  return text;
}

bool Explorer::overBudget(std::uint32_t index, std::int64_t parent) {
  const Budgets &budgets = options.budgets;
  VerifyStats &stats = result.stats;
  std::string reached;
  if (stats.instructionsProcessed > budgets.instructionsProcessed)
    reached = "BPF program is too large. Processed " + std::to_string(stats.instructionsProcessed) +
              " insn (the budget of instructions processed)";
  else if (checkpoints.size() >= budgets.states)
    reached = "the budget of " + std::to_string(budgets.states) + " kept states was reached";
  else if (stateBytes >= budgets.memoryBytes)
    reached =
        "the memory budget of " + std::to_string(budgets.memoryBytes >> 20) + " MiB was reached";
  else if ((stats.instructionsProcessed & 1023) == 0 &&
           std::chrono::steady_clock::now() - start >
               std::chrono::milliseconds(budgets.milliseconds))
    reached = "the time budget of " + std::to_string(budgets.milliseconds) + " ms was reached";
  if (reached.empty())
    return false;
  Diagnostic diagnostic;
  diagnostic.rule = Rule::TooComplex;
  diagnostic.message = "too complex: " + reached + " after " +
                       std::to_string(stats.instructionsProcessed) +
                       " instructions processed and " + std::to_string(checkpoints.size()) +
                       " states kept" + loopDiagnosis(parent);
  reject(std::move(diagnostic), index);
  return true;
}

void Explorer::pathEnded(std::int64_t checkpoint) {
  while (checkpoint >= 0) {
    Checkpoint &node = checkpoints[static_cast<std::size_t>(checkpoint)];
    if (--node.openPaths > 0)
      return;
    // Complete: from now on it may prune the paths it covers.
    auto &inProgress = inProgressAt[node.index];
    auto [first, last] = inProgress.equal_range(node.hash);
    for (auto it = first; it != last; ++it)
      if (it->second == static_cast<std::uint32_t>(checkpoint)) {
        inProgress.erase(it);
        break;
      }
    completeAt[node.index].push_back(static_cast<std::uint32_t>(checkpoint));
    checkpoint = node.parent;
  }
}

bool Explorer::joinIntoSummary(AbstractState &state, std::uint32_t index) {
  auto found = summaries.find(index);
  const AbstractState &base =
      found != summaries.end() ? found->second.first : checkpoints[completeAt[index].back()].state;
  auto joined = join(base, state);
  if (!joined)
    return false;
  const std::uint32_t growth = found != summaries.end() ? found->second.second + 1 : 0;
  if (growth >= 2)
    widenScalars(base, *joined);
  summaries[index] = {*joined, growth};
  state = std::move(*joined);
  return true;
}

bool Explorer::widenInto(const AbstractState &previous, AbstractState &state) {
  auto joined = join(previous, state);
  if (!joined)
    return false;
  widenScalars(previous, *joined);
  joined->callbackIterations = previous.callbackIterations;
  state = std::move(*joined);
  return true;
}

void widenScalars(const AbstractState &previous, AbstractState &joined) {
  // A scalar that changed since `previous` becomes unknown, so that the joins stop growing.
  for (std::size_t f = 0; f < joined.frames.size(); ++f) {
    Frame &frame = joined.frames[f];
    const Frame &before = previous.frames[f];
    for (unsigned r = 0; r < registerCount; ++r)
      if (frame.registers[r].isScalar() &&
          !(before.registers[r].isScalar() &&
            includes(before.registers[r].scalar, frame.registers[r].scalar)))
        frame.registers[r] = RegisterValue::unknown();
    auto &slots = frame.stack.allSlots();
    const auto &beforeSlots = before.stack.allSlots();
    for (std::size_t k = 0; k < slots.size(); ++k)
      if (slots[k].spillSize == 8 && slots[k].spilled.isScalar() &&
          (k >= beforeSlots.size() || beforeSlots[k].spillSize != 8 ||
           !beforeSlots[k].spilled.isScalar() ||
           !includes(beforeSlots[k].spilled.scalar, slots[k].spilled.scalar)))
        slots[k].spilled = RegisterValue::unknown();
  }
}

bool Explorer::covered(const AbstractState &state, std::uint32_t index) {
  const std::uint16_t liveHere = live[index];
  auto &complete = completeAt[index];
  for (std::size_t k = 0; k < complete.size(); ++k) {
    Checkpoint &checkpoint = checkpoints[complete[k]];
    if (includes(checkpoint.state, state, liveHere)) {
      ++checkpoint.hits;
      return true;
    }
    // A checkpoint that keeps missing costs more than it saves.
    if (++checkpoint.misses > checkpoint.hits * 3 + 3 && complete.size() > 8) {
      complete.erase(complete.begin() + static_cast<std::ptrdiff_t>(k));
      --k;
    }
  }
  if (prunePoints[index] == PrunePoint::Bounded) {
    // The helper or may_goto bounds these loops: an ancestor that covers the state covers
    // every continuation of it.
    for (const auto &[hash, id] : inProgressAt[index])
      if (includes(checkpoints[id].state, state, liveHere))
        return true;
  }
  return false;
}

bool Explorer::explore(PendingPath path) {
  AbstractState state = std::move(path.state);
  std::uint32_t index = path.index;
  std::int64_t parent = path.checkpoint;
  VerifyStats &stats = result.stats;
  for (;;) {
    if (overBudget(index, parent))
      return false;
    if (prunePoints[index] != PrunePoint::None) {
      if (covered(state, index)) {
        ++stats.prunedPaths;
        pathEnded(parent);
        return true;
      }
      // Too many paths through this merge point: continue with the join of this one and
      // the newest kept state, which covers both (never at loop heads, where the paths
      // are iterations of the loop).
      const std::uint32_t threshold = options.statesBeforeJoin;
      if (threshold != 0 && prunePoints[index] == PrunePoint::Merge && !loopHeads[index] &&
          completeAt[index].size() >= threshold && joinIntoSummary(state, index)) {
        ++stats.joins;
        if (covered(state, index)) {
          ++stats.prunedPaths;
          pathEnded(parent);
          return true;
        }
      }
      // A bounded loop (callback or may_goto) still going round: after many iterations,
      // join with the previous one, widening what keeps changing, so that it converges.
      if (prunePoints[index] == PrunePoint::Bounded &&
          inProgressAt[index].size() >= iterationsBeforeWidening) {
        const auto previous = lastCheckpointAt.find(index);
        if (previous != lastCheckpointAt.end() && checkpoints[previous->second].openPaths != 0 &&
            widenInto(checkpoints[previous->second].state, state)) {
          ++stats.joins;
          if (covered(state, index)) {
            ++stats.prunedPaths;
            pathEnded(parent);
            return true;
          }
        }
      }
      const std::uint64_t hash = stateHash(state);
      auto [first, last] = inProgressAt[index].equal_range(hash);
      for (auto it = first; it != last; ++it) {
        const Checkpoint &checkpoint = checkpoints[it->second];
        if (prunePoints[index] == PrunePoint::Merge &&
            checkpoint.state.callbackIterations == state.callbackIterations &&
            includes(checkpoint.state, state, 0xffff) &&
            includes(state, checkpoint.state, 0xffff)) {
          Diagnostic diagnostic = analysis.violation(
              Rule::UnboundedLoop,
              "infinite loop detected at insn " +
                  std::to_string(input.code->instructions[index].pc) +
                  ": the loop comes back to this instruction in exactly the state it had "
                  "before, so nothing bounds it",
              state);
          reject(std::move(diagnostic), index);
          return false;
        }
      }
      checkpoints.push_back({state, parent, 1, index, hash, 0, 0});
      stateBytes += approximateBytes(state);
      result.stats.peakStateBytes = stateBytes;
      const auto created = static_cast<std::int64_t>(checkpoints.size() - 1);
      inProgressAt[index].emplace(hash, static_cast<std::uint32_t>(created));
      lastCheckpointAt[index] = static_cast<std::uint32_t>(created);
      parent = created;
      stats.states = checkpoints.size();
    }
    ++stats.instructionsProcessed;
    if (options.recordInvariants)
      record(state, index);
    detail::StepOutcome outcome = analysis.step(std::move(state), index);
    if (outcome.violation) {
      reject(std::move(*outcome.violation), index);
      return false;
    }
    if (outcome.successors.empty()) {
      pathEnded(parent);
      return true;
    }
    for (std::size_t s = 1; s < outcome.successors.size(); ++s) {
      if (parent >= 0)
        ++checkpoints[static_cast<std::size_t>(parent)].openPaths;
      pending.push_back(
          {std::move(outcome.successors[s].state), outcome.successors[s].index, parent});
    }
    state = std::move(outcome.successors[0].state);
    index = outcome.successors[0].index;
    if (index >= input.code->instructions.size()) {
      Diagnostic diagnostic;
      diagnostic.rule = Rule::MalformedProgram;
      diagnostic.message = "execution falls off the end of the program";
      reject(std::move(diagnostic),
             static_cast<std::uint32_t>(input.code->instructions.size() - 1));
      return false;
    }
  }
}

void Explorer::record(const AbstractState &state, std::uint32_t index) {
  if (seen.empty())
    seen.resize(input.code->instructions.size());
  for (AbstractState &known : seen[index])
    if (auto joined = join(known, state)) {
      known = std::move(*joined);
      return;
    }
  if (seen[index].size() < 4)
    seen[index].push_back(state);
}

void Explorer::finishInvariants() {
  if (!options.recordInvariants)
    return;
  result.invariants.resize(input.code->instructions.size());
  for (std::size_t i = 0; i < seen.size(); ++i)
    for (const AbstractState &state : seen[i])
      for (std::string &line : describeState(state))
        result.invariants[i].push_back(std::move(line));
}

bool Explorer::run() {
  analysis.entryFunction = entry;
  pending.push_back({analysis.initialState(entry), entry ? entry->entry : 0, -1});
  while (!pending.empty()) {
    PendingPath path = std::move(pending.back());
    pending.pop_back();
    if (!explore(std::move(path))) {
      finishInvariants();
      return false;
    }
  }
  finishInvariants();
  return true;
}

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
  detail::Analysis analysis(input, options);
  bool accepted = detail::Explorer(input, options, result, analysis, nullptr).run();
  // Global functions are verified on their own, from their prototypes (when called).
  for (const GlobalFunctionSignature &function : input.globalFunctions) {
    if (!accepted)
      break;
    if (!detail::isCalled(*input.code, function.entry))
      continue;
    accepted = detail::Explorer(input, options, result, analysis, &function).run();
    if (!accepted && !result.diagnostics.empty())
      result.diagnostics.back().message =
          "in global function " + function.name + ": " + result.diagnostics.back().message;
  }
  if (accepted)
    if (auto tooDeep = detail::checkCombinedStackDepth(*input.code, analysis.stackDepth,
                                                       result.stats.maxStackDepth)) {
      result.verdict = Verdict::Reject;
      result.diagnostics.push_back(std::move(*tooDeep));
    }
  result.stats.timeMicroseconds =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count());
  return result;
}

} // namespace bpfcheck::absint
