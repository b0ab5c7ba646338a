// What a run produced: r0 and the instruction count when the program returned, or the
// fault that stopped it (which instruction, why, and for memory the access), as values.
#pragma once

#include "bpfcheck/interp/MemoryRegion.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bpfcheck::interp {

/// Why a run stopped before the program returned.
enum class FaultKind : std::uint8_t {
  MemoryViolation,   ///< checked mode: an access outside the live regions
  BudgetExhausted,   ///< the instruction budget ran out
  CallDepthExceeded, ///< a call would need a ninth frame (MAX_CALL_FRAMES)
  HelperNotProvided, ///< the environment does not implement the helper or kfunc
  HelperFailed,      ///< the environment reported an error from the helper
  BadCallTarget,     ///< callx or a callback address that is no function of the program
  InvalidProgram,    ///< the program cannot run at all (it is empty)
};
std::string_view faultKindName(FaultKind kind);

/// Where and why a run stopped.
struct RunFault {
  FaultKind kind = FaultKind::MemoryViolation;
  std::string program;           ///< the program executing (differs after a tail call)
  std::uint32_t instruction = 0; ///< index of the faulting instruction in that program
  std::uint32_t pc = 0;          ///< its slot
  std::optional<MemoryViolation> violation;
  std::string message; ///< "insn PC: what happened"
};

/// The outcome of one run.
struct RunResult {
  std::uint64_t returnValue = 0;          ///< r0 at the final exit (meaningful without fault)
  std::uint64_t instructionsExecuted = 0; ///< including the faulting one
  std::uint32_t tailCallsTaken = 0;
  std::optional<RunFault> fault;

  bool completed() const { return !fault.has_value(); }
};

} // namespace bpfcheck::interp
