// The interpreter: runs a pre-decoded program on real host memory with the kernel's frames
// (512 bytes each, at most 8), calls, tail calls and callbacks, in a fast mode or a checked
// mode that validates every memory access.
//
// Policy: the fast mode trusts the program as the kernel trusts a verified one; a wild
// pointer crashes the host. Callers (the CLI, the library's `run`) therefore run only
// programs the verifier accepted, unless the user asks otherwise, and then use checked mode
// with an instruction budget. This API does not enforce the policy: it runs what it is given.
#pragma once

#include "bpfcheck/interp/DecodedProgram.h"
#include "bpfcheck/interp/ExecutionEnvironment.h"
#include "bpfcheck/interp/Limits.h"
#include "bpfcheck/interp/MemoryRegion.h"
#include "bpfcheck/interp/RunResult.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>

namespace bpfcheck::interp {

enum class ExecutionMode : std::uint8_t {
  Fast,   ///< no memory checks (verified programs)
  Checked ///< every load, store and atomic must lie in a live region; the first that does not
          ///< stops the run with a MemoryViolation
};

struct RunOptions {
  ExecutionMode mode = ExecutionMode::Fast;
  /// Instructions the run may execute before it stops with BudgetExhausted. Set it when
  /// running a program the verifier did not accept.
  std::uint64_t instructionBudget = std::numeric_limits<std::uint64_t>::max();
};

/// The socket buffer seen by LD_ABS / LD_IND (and, in checked mode, the packet region):
/// linear data of `length` bytes. Negative offsets reach the network header
/// (SKF_NET_OFF + n) and the MAC header (SKF_LL_OFF + n), given relative to `data`; both
/// must stay inside data .. data + length.
struct PacketView {
  std::byte *data = nullptr;
  std::size_t length = 0;
  bool writable = false;
  std::int64_t networkHeader = 0;
  std::optional<std::int64_t> macHeader;
};

/// What the program starts with.
struct RunInput {
  /// r1..r5 on entry: usually r1 = the ctx; the conformance suite passes its memory in r1
  /// and the memory's length in r2.
  std::array<std::uint64_t, 5> arguments{};
  /// Memory besides the stack that the program may access (ctx, input memory, map values);
  /// consulted in checked mode only.
  std::span<const MemoryRegion> regions;
  /// The skb's data for LD_ABS / LD_IND; also a region in checked mode.
  std::optional<PacketView> packet;
};

/// Runs programs with one environment. Owns the stack (8 frames of 512 bytes), so runs
/// allocate nothing per instruction; one Interpreter runs one program at a time.
class Interpreter {
public:
  explicit Interpreter(ExecutionEnvironment &environment) : environment(environment) {}

  RunResult run(const DecodedProgram &program, const RunInput &input,
                const RunOptions &options = {});

private:
  ExecutionEnvironment &environment;
  alignas(64) std::array<std::byte, MaxCallFrames * StackFrameSize> stack{};
};

} // namespace bpfcheck::interp
