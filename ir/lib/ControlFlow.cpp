// Functions, basic blocks, dominators and natural loops.
#include "bpfcheck/ir/ControlFlow.h"

#include "bpfcheck/ir/Decoder.h"

#include <algorithm>
#include <set>

namespace bpfcheck {
namespace {

std::string at(std::uint32_t pc) {
  return "insn " + std::to_string(pc) + ": ";
}

bool endsBlock(const Instruction &insn) {
  return std::holds_alternative<Jump>(insn) || std::holds_alternative<ConditionalJump>(insn) ||
         std::holds_alternative<MayGoto>(insn) || std::holds_alternative<Exit>(insn);
}

bool transfersWithinFunction(const Instruction &insn) {
  return std::holds_alternative<Jump>(insn) || std::holds_alternative<ConditionalJump>(insn) ||
         std::holds_alternative<MayGoto>(insn);
}

/// The function entries: main at pc 0, local call targets, callback addresses.
std::map<std::uint32_t, FunctionRole> findEntries(const std::vector<PlacedInstruction> &code) {
  std::map<std::uint32_t, FunctionRole> entries{{0, FunctionRole::Main}};
  for (const PlacedInstruction &placed : code) {
    const auto target = branchTarget(placed);
    if (!target)
      continue;
    const auto entry = std::uint32_t(*target);
    if (const auto *call = std::get_if<Call>(&placed.insn);
        call && call->kind == Call::Kind::Local && entry != 0)
      entries[entry] = FunctionRole::Subprogram; // a called callback is a subprogram too
    else if (std::holds_alternative<LoadImmediate64>(placed.insn))
      entries.emplace(entry, FunctionRole::Callback);
  }
  return entries;
}

class FunctionBuilder {
public:
  FunctionBuilder(const ProgramCode &program, Function &function)
      : program(program), function(function) {}

  Expected<bool> build() {
    if (auto checked = checkShape(); !checked)
      return checked;
    splitBlocks();
    markReachable();
    computeDominators();
    findLoops();
    return true;
  }

private:
  const ProgramCode &program;
  Function &function;
  std::vector<std::uint32_t> blockOfInstruction; // indexed by instruction - first
  std::vector<std::uint32_t> reversePostorder;
  std::vector<std::int64_t> immediateDominator;

  const PlacedInstruction &instruction(std::uint32_t index) const {
    return program.instructions[index];
  }

  Expected<bool> checkShape() {
    const PlacedInstruction &last = instruction(function.endInstruction - 1);
    if (!std::holds_alternative<Exit>(last.insn) && !std::holds_alternative<Jump>(last.insn))
      return Error(at(last.pc) + "function '" + function.name +
                   "' does not end in exit or an unconditional jump: control falls into the "
                   "next function");
    const std::uint32_t firstPc = instruction(function.firstInstruction).pc;
    const std::uint32_t endPc = last.pc + slotCount(last.insn);
    for (std::uint32_t i = function.firstInstruction; i < function.endInstruction; ++i) {
      const PlacedInstruction &placed = instruction(i);
      if (!transfersWithinFunction(placed.insn))
        continue;
      const std::int64_t target = *branchTarget(placed);
      if (target < firstPc || target >= endPc)
        return Error(at(placed.pc) + "jump to insn " + std::to_string(target) +
                     " leaves function '" + function.name + "'");
    }
    return true;
  }

  std::uint32_t indexOfTarget(const PlacedInstruction &placed) const {
    return *program.targetIndexOf(placed);
  }

  void splitBlocks() {
    const std::uint32_t first = function.firstInstruction, end = function.endInstruction;
    std::set<std::uint32_t> leaders{first};
    for (std::uint32_t i = first; i < end; ++i) {
      const PlacedInstruction &placed = instruction(i);
      if (transfersWithinFunction(placed.insn))
        leaders.insert(indexOfTarget(placed));
      if (endsBlock(placed.insn) && i + 1 < end)
        leaders.insert(i + 1);
    }
    blockOfInstruction.assign(end - first, 0);
    for (auto it = leaders.begin(); it != leaders.end(); ++it) {
      const auto next = std::next(it);
      BasicBlock block;
      block.first = *it;
      block.last = (next == leaders.end() ? end : *next) - 1;
      for (std::uint32_t i = block.first; i <= block.last; ++i)
        blockOfInstruction[i - first] = std::uint32_t(function.blocks.size());
      function.blocks.push_back(block);
    }
    for (std::uint32_t b = 0; b < function.blocks.size(); ++b) {
      const PlacedInstruction &last = instruction(function.blocks[b].last);
      std::vector<std::uint32_t> targets;
      if (!std::holds_alternative<Exit>(last.insn) && !std::holds_alternative<Jump>(last.insn))
        targets.push_back(function.blocks[b].last + 1);
      if (transfersWithinFunction(last.insn))
        targets.push_back(indexOfTarget(last));
      for (std::uint32_t target : targets) {
        const std::uint32_t successor = blockOfInstruction[target - first];
        auto &successors = function.blocks[b].successors;
        if (std::find(successors.begin(), successors.end(), successor) != successors.end())
          continue;
        successors.push_back(successor);
        function.blocks[successor].predecessors.push_back(b);
      }
    }
  }

  void markReachable() {
    // Iterative depth-first walk recording the reverse postorder.
    std::vector<std::uint32_t> postorder;
    std::vector<std::pair<std::uint32_t, std::size_t>> stack{{0, 0}};
    function.blocks[0].reachable = true;
    while (!stack.empty()) {
      auto &[block, nextSuccessor] = stack.back();
      const auto &successors = function.blocks[block].successors;
      if (nextSuccessor < successors.size()) {
        const std::uint32_t successor = successors[nextSuccessor++];
        if (!function.blocks[successor].reachable) {
          function.blocks[successor].reachable = true;
          stack.push_back({successor, 0});
        }
        continue;
      }
      postorder.push_back(block);
      stack.pop_back();
    }
    reversePostorder.assign(postorder.rbegin(), postorder.rend());
  }

  // Cooper, Harvey and Kennedy's iterative dominator algorithm.
  void computeDominators() {
    std::vector<std::uint32_t> order(function.blocks.size(), 0);
    for (std::uint32_t i = 0; i < reversePostorder.size(); ++i)
      order[reversePostorder[i]] = i;
    immediateDominator.assign(function.blocks.size(), -1);
    immediateDominator[0] = 0;
    auto intersect = [&](std::uint32_t a, std::uint32_t b) {
      while (a != b) {
        while (order[a] > order[b])
          a = std::uint32_t(immediateDominator[a]);
        while (order[b] > order[a])
          b = std::uint32_t(immediateDominator[b]);
      }
      return a;
    };
    for (bool changed = true; changed;) {
      changed = false;
      for (std::uint32_t block : reversePostorder) {
        if (block == 0)
          continue;
        std::int64_t dominator = -1;
        for (std::uint32_t predecessor : function.blocks[block].predecessors) {
          if (immediateDominator[predecessor] < 0)
            continue;
          dominator =
              dominator < 0 ? predecessor : intersect(std::uint32_t(dominator), predecessor);
        }
        if (dominator >= 0 && immediateDominator[block] != dominator) {
          immediateDominator[block] = dominator;
          changed = true;
        }
      }
    }
  }

  bool dominates(std::uint32_t dominator, std::uint32_t block) const {
    for (std::uint32_t b = block;; b = std::uint32_t(immediateDominator[b])) {
      if (b == dominator)
        return true;
      if (b == 0 || immediateDominator[b] < 0)
        return false;
    }
  }

  void findLoops() {
    // Retreating edges of a depth-first walk, in reverse postorder numbering.
    std::vector<std::uint32_t> order(function.blocks.size(), 0);
    for (std::uint32_t i = 0; i < reversePostorder.size(); ++i)
      order[reversePostorder[i]] = i;
    std::map<std::uint32_t, std::vector<std::uint32_t>> latchesByHeader;
    for (std::uint32_t block : reversePostorder)
      for (std::uint32_t successor : function.blocks[block].successors) {
        if (order[successor] > order[block])
          continue;
        if (dominates(successor, block))
          latchesByHeader[successor].push_back(block);
        else
          function.irreducibleEdges.push_back({block, successor});
      }

    for (auto &[header, latches] : latchesByHeader) {
      Loop loop;
      loop.header = header;
      loop.latches = latches;
      std::set<std::uint32_t> body{header};
      std::vector<std::uint32_t> work(latches.begin(), latches.end());
      while (!work.empty()) {
        const std::uint32_t block = work.back();
        work.pop_back();
        if (!body.insert(block).second)
          continue;
        for (std::uint32_t predecessor : function.blocks[block].predecessors)
          if (function.blocks[predecessor].reachable)
            work.push_back(predecessor);
      }
      loop.blocks.assign(body.begin(), body.end());
      function.loops.push_back(std::move(loop));
    }
    // Outer loops first; a loop's parent is the smallest loop strictly containing it.
    std::sort(function.loops.begin(), function.loops.end(), [](const Loop &a, const Loop &b) {
      return a.blocks.size() != b.blocks.size() ? a.blocks.size() > b.blocks.size()
                                                : a.header < b.header;
    });
    for (std::uint32_t inner = 0; inner < function.loops.size(); ++inner) {
      Loop &loop = function.loops[inner];
      for (std::uint32_t outer = inner; outer-- > 0;) {
        const Loop &candidate = function.loops[outer];
        if (std::includes(candidate.blocks.begin(), candidate.blocks.end(), loop.blocks.begin(),
                          loop.blocks.end())) {
          loop.parent = outer;
          loop.depth = candidate.depth + 1;
          break;
        }
      }
    }
  }
};

} // namespace

std::optional<std::uint32_t> ProgramCode::targetIndexOf(const PlacedInstruction &placed) const {
  const std::optional<std::int64_t> target = branchTarget(placed);
  if (!target || *target < 0)
    return std::nullopt;
  return indexOfPc(static_cast<std::uint32_t>(*target));
}

std::optional<std::uint32_t> ProgramCode::indexOfPc(std::uint32_t pc) const {
  auto it = std::lower_bound(
      instructions.begin(), instructions.end(), pc,
      [](const PlacedInstruction &placed, std::uint32_t value) { return placed.pc < value; });
  if (it == instructions.end() || it->pc != pc)
    return std::nullopt;
  return std::uint32_t(it - instructions.begin());
}

const Function &ProgramCode::functionOf(std::uint32_t index) const {
  for (const Function &function : functions)
    if (index >= function.firstInstruction && index < function.endInstruction)
      return function;
  return functions.front();
}

std::uint32_t ProgramCode::slotCount() const {
  if (instructions.empty())
    return 0;
  return instructions.back().pc + bpfcheck::slotCount(instructions.back().insn);
}

Expected<ProgramCode> buildProgramCode(std::vector<PlacedInstruction> instructions,
                                       const std::map<std::uint32_t, std::string> &functionNames) {
  ProgramCode program;
  program.instructions = std::move(instructions);
  program.locations.resize(program.instructions.size());
  if (program.instructions.empty())
    return Error("the program is empty: it has no instructions");

  const auto entries = findEntries(program.instructions);
  for (const auto &[pc, role] : entries)
    if (!program.indexOfPc(pc))
      return Error(at(pc) + "function entry is not the start of an instruction");
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    const auto index = program.indexOfPc(it->first);
    Function function;
    const auto name = functionNames.find(it->first);
    function.name =
        name != functionNames.end() ? name->second : "func@" + std::to_string(it->first);
    function.role = it->second;
    function.firstInstruction = *index;
    const auto next = std::next(it);
    function.endInstruction = next == entries.end() ? std::uint32_t(program.instructions.size())
                                                    : *program.indexOfPc(next->first);
    program.functions.push_back(std::move(function));
  }
  for (Function &function : program.functions) {
    FunctionBuilder builder(program, function);
    if (auto built = builder.build(); !built)
      return built.takeError();
  }
  return program;
}

} // namespace bpfcheck
