// The exploration engine (see Explorer.h): depth-first paths, checkpoints, pruning, joins
// and widening, budgets.

#include "Explorer.h"
#include "Liveness.h"

#include "bpfcheck/ir/Printer.h"

#include <algorithm>

namespace bpfcheck::absint::detail {

Explorer::Explorer(const ProgramInput &input, const VerifyOptions &options, VerifyResult &result,
                   Analysis &analysis, const ExplorationPlan &plan,
                   const GlobalFunctionSignature *entry, Narrowing narrowing)
    : input(input), options(options), result(result), analysis(analysis), plan(plan), entry(entry),
      narrowing(narrowing), completeAt(input.code->instructions.size()),
      inProgressAt(input.code->instructions.size()) {}

namespace {

std::uint64_t approximateBytes(const AbstractState &state) {
  std::uint64_t bytes = sizeof(AbstractState);
  for (const Frame &frame : state.frames)
    bytes += sizeof(Frame) + frame.stack.allSlots().size() * sizeof(StackSlot);
  return bytes + state.references.size() * sizeof(AcquiredReference);
}

} // namespace

void LoopHeadStates::add(std::uint32_t head, const AbstractState &state) {
  auto [found, inserted] = states.try_emplace({head, state.frames.size()}, state);
  if (inserted)
    return;
  // States of different call stacks do not join: the first one stays the hint.
  if (auto joined = join(found->second, state))
    found->second = std::move(*joined);
}

const AbstractState *LoopHeadStates::at(std::uint32_t head, std::size_t depth) const {
  const auto found = states.find({head, depth});
  return found == states.end() ? nullptr : &found->second;
}

bool LoopHeadStates::sameAs(const LoopHeadStates &other) const {
  if (states.size() != other.states.size())
    return false;
  for (const auto &[key, state] : states) {
    const AbstractState *theirs = other.at(key.first, key.second);
    if (!theirs || !includes(state, *theirs, 0xffff) || !includes(*theirs, state, 0xffff))
      return false;
  }
  return true;
}

void placeDiagnostic(Diagnostic &diagnostic, const ProgramCode &code, std::uint32_t index) {
  const PlacedInstruction &placed = code.instructions[index];
  diagnostic.insn = index;
  diagnostic.pc = placed.pc;
  diagnostic.insnText = printInstruction(placed.insn);
  if (index < code.locations.size() && code.locations[index]) {
    const SourceLocation &location = *code.locations[index];
    diagnostic.file = location.file;
    diagnostic.line = location.line;
    diagnostic.column = location.column;
  }
}

std::string describeLoop(const ProgramCode &code, std::uint32_t head) {
  std::string text = "the loop at insn " + std::to_string(code.instructions[head].pc);
  if (head < code.locations.size() && code.locations[head])
    text +=
        " (" + code.locations[head]->file + ":" + std::to_string(code.locations[head]->line) + ")";
  return text;
}

void Explorer::reject(Diagnostic diagnostic, std::uint32_t index) {
  placeDiagnostic(diagnostic, *input.code, index);
  result.verdict = diagnostic.rule == Rule::TooComplex ? Verdict::TooComplex : Verdict::Reject;
  result.diagnostics.push_back(std::move(diagnostic));
}

std::string Explorer::loopDiagnosis(std::int64_t parent) const {
  // The loop head this path went round most often, among its recent checkpoints.
  std::unordered_map<std::uint32_t, std::vector<std::int64_t>> visits;
  std::int64_t node = parent;
  for (unsigned steps = 0; node >= 0 && steps < 100000; ++steps) {
    const Checkpoint &checkpoint = checkpoints[static_cast<std::size_t>(node)];
    if (plan.loopHeads[checkpoint.index])
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
  std::string text = "; " + describeLoop(*input.code, head) + " went round " +
                     std::to_string(busiest->size()) + " times on this path";
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
    widenChangedValues(base, *joined, nullptr);
  summaries[index] = {*joined, growth};
  state = std::move(*joined);
  return true;
}

bool Explorer::widenInto(const AbstractState &previous, AbstractState &state, bool summarized,
                         std::uint32_t index) {
  auto joined = join(previous, state);
  if (!joined)
    return false;
  const AbstractState *hint =
      summarized && narrowing.hints ? narrowing.hints->at(index, state.frames.size()) : nullptr;
  widenChangedValues(previous, *joined, summarized ? &plan.thresholds : nullptr, hint);
  joined->callbackIterations = previous.callbackIterations;
  state = std::move(*joined);
  return true;
}

bool Explorer::covered(const AbstractState &state, std::uint32_t index) {
  const std::uint16_t liveHere = plan.live[index];
  auto &complete = completeAt[index];
  for (std::size_t k = 0; k < complete.size(); ++k) {
    Checkpoint &checkpoint = checkpoints[complete[k]];
    if (checkpoint.mayPrune && includes(checkpoint.state, state, liveHere, pinnedIds())) {
      ++checkpoint.hits;
      return true;
    }
    // A checkpoint that keeps missing costs more than it saves.
    if (++checkpoint.misses > checkpoint.hits * 3 + 3 && complete.size() > 8) {
      complete.erase(complete.begin() + static_cast<std::ptrdiff_t>(k));
      --k;
    }
  }
  if (plan.prunePoints[index] == PrunePoint::Bounded ||
      plan.prunePoints[index] == PrunePoint::Summarized) {
    // The helper or may_goto bounds these loops (or a termination proof will): an ancestor
    // that covers the state covers every continuation of it.
    for (const auto &[hash, id] : inProgressAt[index])
      if (checkpoints[id].mayPrune && includes(checkpoints[id].state, state, liveHere, pinnedIds()))
        return true;
  }
  return false;
}

bool Explorer::explore(PendingPath path) {
  AbstractState state = std::move(path.state);
  std::uint32_t index = path.index;
  std::int64_t parent = path.checkpoint;
  VerifyStats &stats = result.stats;
  // With a prover: the path since its last cut (the entry, a join, a widening, a bounded
  // loop's head), which obligations are asked about.
  const bool tracking = proverAvailable();
  PathTrail trail = std::move(path.trail);
  if (tracking && !trail.tracked())
    trail = PathTrail(state, index, 0, entry == nullptr);
  for (;;) {
    if (overBudget(index, parent))
      return false;
    if (tracking && trail.length() >= maximumTrailSteps)
      trail = PathTrail(state, index, std::max<std::int64_t>(parent, 0), false);
    if (walk && walkPathEnds(state, index)) {
      pathEnded(parent);
      return true;
    }
    if (plan.prunePoints[index] != PrunePoint::None) {
      if (narrowing.arrivals && !walk && plan.prunePoints[index] == PrunePoint::Summarized)
        narrowing.arrivals->add(index, state);
      if (covered(state, index)) {
        ++stats.prunedPaths;
        pathEnded(parent);
        return true;
      }
      // Too many paths through this merge point: continue with the join of this one and
      // the newest kept state, which covers both (see ExplorationPlan::mayJoin).
      // Where states are joined or widened, or a loop the prover does not follow comes
      // round, the trail starts again from the state kept here.
      bool cut = plan.prunePoints[index] == PrunePoint::Bounded ||
                 plan.prunePoints[index] == PrunePoint::Summarized;
      const std::uint32_t threshold = options.statesBeforeJoin;
      if (threshold != 0 && plan.mayJoin[index] && completeAt[index].size() >= threshold &&
          joinIntoSummary(state, index)) {
        cut = true;
        ++stats.joins;
        if (covered(state, index)) {
          ++stats.prunedPaths;
          pathEnded(parent);
          return true;
        }
      }
      // A bounded loop (callback or may_goto) still going round: after many iterations,
      // join with the previous one, widening what keeps changing, so that it converges.
      const bool summarized = plan.prunePoints[index] == PrunePoint::Summarized;
      const bool bounded = plan.prunePoints[index] == PrunePoint::Bounded;
      if ((bounded && plan.widenBoundedLoops &&
           inProgressAt[index].size() >= iterationsBeforeWidening) ||
          (summarized && inProgressAt[index].size() >= iterationsBeforeSummary)) {
        const auto previous = lastCheckpointAt.find(index);
        if (previous != lastCheckpointAt.end() && checkpoints[previous->second].openPaths != 0 &&
            widenInto(checkpoints[previous->second].state, state, summarized, index)) {
          cut = true;
          if (bounded)
            ++stats.boundedLoopWidenings;
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
        // (With summarised loops, states repeat while values progress: the termination
        // proof decides.)
        if (plan.prunePoints[index] == PrunePoint::Merge && plan.summarizedLoops.empty() &&
            checkpoint.state.callbackIterations == state.callbackIterations &&
            includes(checkpoint.state, state, 0xffff, pinnedIds()) &&
            includes(state, checkpoint.state, 0xffff, pinnedIds())) {
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
      if (tracking && cut)
        trail = PathTrail(state, index, static_cast<std::int64_t>(checkpoints.size()) + 1, false);
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
    if (outcome.violation && tracking)
      discharge(trail, parent, index, outcome);
    if (outcome.violation) {
      if (!narrowing.arrivals) {
        reject(std::move(*outcome.violation), index);
        return false;
      }
      // Collecting loop-head states: the path ends here, the others go on.
      if (result.verdict == Verdict::Accept)
        reject(std::move(*outcome.violation), index);
      pathEnded(parent);
      return true;
    }
    if (outcome.successors.empty()) {
      pathEnded(parent);
      return true;
    }
    for (std::size_t s = 1; s < outcome.successors.size(); ++s) {
      if (parent >= 0)
        ++checkpoints[static_cast<std::size_t>(parent)].openPaths;
      PathTrail branched;
      if (tracking) {
        branched = trail;
        recordStep(branched, index, outcome.successors[s]);
      }
      pending.push_back({std::move(outcome.successors[s].state), outcome.successors[s].index,
                         parent, std::move(branched)});
      // The kernel keeps at most this many branches pending (BPF_COMPLEXITY_LIMIT_JMP_SEQ).
      if (pending.size() > maximumPendingBranches) {
        Diagnostic diagnostic;
        diagnostic.rule = Rule::TooComplex;
        diagnostic.message = "too complex: The sequence of " + std::to_string(pending.size()) +
                             " jumps is too complex (more branches pending than the kernel "
                             "keeps)" +
                             loopDiagnosis(parent);
        reject(std::move(diagnostic), index);
        return false;
      }
    }
    if (tracking)
      recordStep(trail, index, outcome.successors[0]);
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

bool Explorer::walkPathEnds(const AbstractState &state, std::uint32_t index) {
  if (atWalkStart) {
    atWalkStart = false;
    return false;
  }
  if (state.frames.size() < walk->depth ||
      (state.frames.size() == walk->depth && !walk->inLoop[index]))
    return true; // left the loop (returned, or jumped out)
  if (state.frames.size() != walk->depth || index != walk->head)
    return false;
  // Back at the head: how far each location moved since the walk's start.
  std::vector<std::optional<std::int64_t>> &steps = walk->steps.emplace_back(loopLocationCount);
  for (std::size_t location = 0; location < loopLocationCount; ++location) {
    const auto [id, delta] = walk->headLinks[location];
    const RegisterValue *now = locationValue(state, location);
    if (id != 0 && now && now->isScalar() && now->id == id)
      steps[location] = static_cast<std::int64_t>(static_cast<std::uint64_t>(now->idDelta) -
                                                  static_cast<std::uint64_t>(delta));
    if (now && now->isScalar()) {
      std::optional<Scalar> &values = walk->returnValues[location];
      values = values ? join(*values, now->scalar) : now->scalar;
    }
  }
  return true;
}

bool Explorer::runLoopWalk(AbstractState head, LoopWalk &loopWalk) {
  walk = &loopWalk;
  atWalkStart = true;
  pending.push_back({std::move(head), loopWalk.head, -1});
  while (!pending.empty()) {
    PendingPath path = std::move(pending.back());
    pending.pop_back();
    if (!explore(std::move(path)))
      return false;
  }
  return true;
}

std::vector<const AbstractState *> Explorer::statesAt(std::uint32_t index) const {
  std::vector<const AbstractState *> states;
  for (const Checkpoint &checkpoint : checkpoints)
    if (checkpoint.index == index)
      states.push_back(&checkpoint.state);
  return states;
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
  return result.verdict == Verdict::Accept;
}

} // namespace bpfcheck::absint::detail
