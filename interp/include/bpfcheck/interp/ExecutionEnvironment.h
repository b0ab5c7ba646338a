// The interpreter's view of the world outside the program: helpers, kernel functions and
// tail-call targets come from an ExecutionEnvironment (the runtime implements one; tests
// write small ones), which may call back into the program and describe memory it hands out.
#pragma once

#include "bpfcheck/interp/MemoryRegion.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace bpfcheck::interp {

struct DecodedProgram;

/// A helper call as the program made it: the helper id and r1..r5.
struct HelperCall {
  std::int32_t id = 0;
  std::array<std::uint64_t, 5> arguments{};
};

/// A kfunc call: its BTF id, the module BTF it is from (0 = vmlinux) and r1..r5.
struct KernelFunctionCall {
  std::int32_t btfId = 0;
  std::int16_t module = 0;
  std::array<std::uint64_t, 5> arguments{};
};

/// What the environment did with a call: returned a value (for r0), does not provide the
/// function, or failed (the run stops with the message).
struct HelperOutcome {
  enum class Status : std::uint8_t { Returned, NotProvided, Failed };
  Status status = Status::Returned;
  std::uint64_t value = 0;
  std::string message; ///< why, for NotProvided and Failed

  static HelperOutcome returned(std::uint64_t value) { return {Status::Returned, value, {}}; }
  static HelperOutcome notProvided(std::string why = {}) {
    return {Status::NotProvided, 0, std::move(why)};
  }
  static HelperOutcome failed(std::string why) { return {Status::Failed, 0, std::move(why)}; }
};

/// What bpf_tail_call(ctx, prog_array, index) finds: whether the index is inside the
/// array (the kernel counts a tail call only then) and the program in that slot, if any.
struct TailCallTarget {
  bool indexInRange = false;
  const DecodedProgram *program = nullptr;
};

/// What a helper may ask of the interpreter during a call.
class CallContext {
public:
  /// Runs the program's function at `functionAddress` (a value the program loaded with a
  /// function-address ld_imm64, as bpf_loop receives it) in a new frame with r1.. = the
  /// arguments (at most 5), and returns its r0. Empty when the run stopped inside the
  /// callback (fault, budget) or the address is no function: the helper should return at
  /// once; the interpreter reports the fault.
  virtual std::optional<std::uint64_t> invokeCallback(std::uint64_t functionAddress,
                                                      std::span<const std::uint64_t> arguments) = 0;
  /// Makes memory a helper hands to the program (a map value, ...) accessible in checked
  /// mode for the rest of the run. Ignored in fast mode.
  virtual void registerRegion(MemoryRegion region) = 0;
  /// Whether the run checks memory accesses (registering regions matters).
  virtual bool checksMemory() const = 0;
  /// The calling instruction's index in the program that executes it.
  virtual std::uint32_t instructionIndex() const = 0;

protected:
  ~CallContext() = default;
};

/// Helpers, kfuncs and tail-call targets for a run. Every hook has a default that declines,
/// so an environment implements only what its programs use; a call it declines stops the
/// run with an error naming the helper and the instruction (never a silent 0).
class ExecutionEnvironment {
public:
  virtual ~ExecutionEnvironment() = default;

  /// A helper call (bpf_tail_call, id 12, is performed by the interpreter through
  /// resolveTailCall instead).
  virtual HelperOutcome callHelper(const HelperCall &call, CallContext &context);
  virtual HelperOutcome callKernelFunction(const KernelFunctionCall &call, CallContext &context);
  /// The program at `index` (r3, as the kernel's u32) of the prog array at address
  /// `programArray` (r2).
  virtual TailCallTarget resolveTailCall(std::uint64_t programArray, std::uint32_t index);
};

} // namespace bpfcheck::interp
