// The state of one run that outlives a single instruction: the frame stack (return points
// and callee-saved registers), the program executing, the budget left, the tail-call count,
// checked mode's memory map and the fault that stopped the run.
#pragma once

#include "MemoryChecker.h"

#include "bpfcheck/interp/Interpreter.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace bpfcheck::interp {

/// What a local call or callback saves to return to its caller.
struct CallFrame {
  const DecodedInstruction *returnTo = nullptr; ///< nullptr for a callback (returns to C++)
  const DecodedProgram *program = nullptr;      ///< the caller's program
  std::array<std::uint64_t, 4> calleeSaved{};   ///< the caller's r6..r9
  std::uint64_t framePointer = 0;               ///< the caller's r10
};

struct ExecutionState {
  ExecutionEnvironment &environment;
  const RunInput &input;
  std::uintptr_t stackTop = 0;
  const DecodedProgram *program = nullptr;       ///< the program executing now
  const DecodedProgram *entryProgram = nullptr;  ///< the program the run started
  std::uint32_t depth = 0;                       ///< the current frame (0 = the main function)
  std::array<CallFrame, MaxCallFrames> frames{}; ///< frames[d] returns from frame d to d - 1
  std::array<std::uint32_t, MaxCallFrames> mayGotoCounters{};
  std::uint64_t budget = 0;
  std::uint64_t remaining = 0; ///< instructions the run may still start
  std::uint32_t tailCalls = 0;
  MemoryChecker checker;
  std::optional<RunFault> fault;

  /// r10 of frame `frame`.
  std::uint64_t framePointer(std::uint32_t frame) const {
    return stackTop - std::uint64_t(frame) * StackFrameSize;
  }
  /// Records the fault of the instruction at `at` in the current program.
  void raise(const DecodedInstruction *at, FaultKind kind, std::string what,
             std::optional<MemoryViolation> violation = std::nullopt);
};

/// Runs from `entry` in frame state.depth, r1..r5 = arguments, until that frame exits, and
/// returns its r0; empty when the run stopped (state.fault says why).
template <bool Checked>
std::optional<std::uint64_t> execute(ExecutionState &state, const DecodedInstruction *entry,
                                     const std::array<std::uint64_t, 5> &arguments);

/// The index of the function whose entry is at `address` in `program`, if it is one.
std::optional<std::uint32_t> functionAt(const DecodedProgram &program, std::uint64_t address);

/// The big-endian value LD_ABS / LD_IND read at `offset` (the kernel's int) of the skb, or
/// empty where the kernel's load helper fails (the program then returns 0).
std::optional<std::uint32_t> loadFromSocketBuffer(const std::optional<PacketView> &packet,
                                                  std::int32_t offset, unsigned size);

} // namespace bpfcheck::interp
