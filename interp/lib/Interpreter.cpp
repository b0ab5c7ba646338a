// Setting up a run (stack, frames, checked mode's regions, budget) and turning its end into
// a RunResult.
#include "bpfcheck/interp/Interpreter.h"

#include "ExecutionState.h"

#include <cstring>

namespace bpfcheck::interp {

void ExecutionState::raise(const DecodedInstruction *at, FaultKind kind, std::string what,
                           std::optional<MemoryViolation> violation) {
  if (fault)
    return; // the first fault is the one that stopped the run
  RunFault stop;
  stop.kind = kind;
  stop.program = program->name;
  stop.instruction = std::uint32_t(at - program->code.data());
  stop.pc =
      stop.instruction < program->pcs.size() ? program->pcs[stop.instruction] : stop.instruction;
  stop.violation = std::move(violation);
  stop.message = "insn " + std::to_string(stop.pc) + ": " + what;
  if (program != entryProgram)
    stop.message += " (in tail-called program '" + program->name + "')";
  fault = std::move(stop);
}

std::optional<std::uint32_t> functionAt(const DecodedProgram &program, std::uint64_t address) {
  const auto begin = reinterpret_cast<std::uintptr_t>(program.code.data());
  const std::uintptr_t end = begin + program.code.size() * sizeof(DecodedInstruction);
  if (address < begin || address >= end || (address - begin) % sizeof(DecodedInstruction) != 0)
    return std::nullopt;
  const auto index = std::uint32_t((address - begin) / sizeof(DecodedInstruction));
  if (!program.isFunctionEntry(index))
    return std::nullopt;
  return index;
}

RunResult Interpreter::run(const DecodedProgram &program, const RunInput &input,
                           const RunOptions &options) {
  RunResult result;
  if (program.code.empty()) {
    result.fault = RunFault{FaultKind::InvalidProgram,
                            program.name,
                            0,
                            0,
                            std::nullopt,
                            "the program is empty: it has no instructions"};
    return result;
  }
  std::memset(stack.data(), 0, stack.size());
  ExecutionState state{environment, input};
  state.stackTop = reinterpret_cast<std::uintptr_t>(stack.data() + stack.size());
  state.program = &program;
  state.entryProgram = &program;
  state.budget = state.remaining = options.instructionBudget;
  state.mayGotoCounters[0] = MayGotoBudget;

  std::optional<std::uint64_t> returned;
  if (options.mode == ExecutionMode::Checked) {
    state.checker.reset(reinterpret_cast<std::uintptr_t>(stack.data()), state.stackTop);
    for (const MemoryRegion &region : input.regions)
      state.checker.add(region);
    if (input.packet)
      state.checker.add(MemoryRegion{reinterpret_cast<std::uintptr_t>(input.packet->data),
                                     input.packet->length, input.packet->writable,
                                     RegionKind::Packet, "data .. data_end"});
    returned = execute<true>(state, program.code.data(), input.arguments);
  } else {
    returned = execute<false>(state, program.code.data(), input.arguments);
  }

  result.instructionsExecuted = state.budget - state.remaining;
  result.tailCallsTaken = state.tailCalls;
  if (returned)
    result.returnValue = *returned;
  else
    result.fault = std::move(state.fault);
  return result;
}

} // namespace bpfcheck::interp
