// The abstract machine state at one instruction on one explored path: the call stack of
// frames (registers r0-r10 and the byte-granular stack of each), the references the
// program holds, and the spin lock it holds. Also the inclusion test that lets the engine
// prune a path whose state an already explored state covers.
#pragma once

#include "bpfcheck/absint/StackFrame.h"
#include "bpfcheck/absint/Value.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bpfcheck::absint {

inline constexpr unsigned registerCount = 11;
inline constexpr unsigned framePointer = 10;

struct Frame {
  std::array<RegisterValue, registerCount> registers;
  StackFrame stack;
  std::uint32_t function = 0; ///< index into ProgramCode::functions
  /// Where the caller resumes (the instruction after the call); for callbacks the call of
  /// the helper itself, which may call the callback again.
  std::uint32_t returnTo = 0;
  std::uint32_t callsite = 0; ///< the calling instruction
  bool isCallback = false;
  /// How many times the callback of the helper this frame is calling has returned so far
  /// (0 outside such a call): bpf_loop calls it at most nr_loops times.
  std::uint32_t callbackCalls = 0;
};

/// The latest branch decisions of a path (conditional jumps where both edges were
/// possible), for diagnostics that show how a path reached its end. Fixed size: copying a
/// state allocates nothing for it; the engine never compares it.
struct BranchTrail {
  static constexpr unsigned capacity = 16;
  struct Decision {
    std::uint32_t index = 0; ///< the conditional jump's instruction index
    bool taken = false;
  };
  std::array<Decision, capacity> recent{}; ///< a ring: decision n is at n % capacity
  std::uint32_t count = 0;                 ///< decisions made on the path so far

  void record(std::uint32_t index, bool taken) { recent[count++ % capacity] = {index, taken}; }
  /// The decisions made since decision number `since` (the most recent `capacity` only).
  std::vector<Decision> since(std::uint32_t first) const;
};

/// A reference the program acquired and must release (a socket, a ring buffer record, ...).
struct AcquiredReference {
  std::uint32_t id = 0;
  std::uint32_t acquiredAt = 0; ///< instruction index of the acquiring call
  RegionKind region = RegionKind::Socket;
  std::uint32_t decisionsBefore = 0; ///< BranchTrail::count when it was acquired
};

/// A reference released on this path, remembered to name the first release when the
/// program releases it again.
struct ReleasedReference {
  std::uint32_t id = 0;
  std::uint32_t releasedAt = 0; ///< instruction index of the releasing call
};

/// The spin lock held: the map value it lives in, identified as the kernel does.
struct HeldLock {
  std::uint32_t map = 0;
  std::uint32_t pointerId = 0; ///< the id of the map value pointer it was taken through
  std::uint32_t lockedAt = 0;
};

struct AbstractState {
  std::vector<Frame> frames; ///< frames[0] is the main program's
  std::vector<AcquiredReference> references;
  /// The most recent releases (a few), for diagnostics only: never compared or joined.
  std::vector<ReleasedReference> released;
  std::optional<HeldLock> lock;
  /// How this path branched, for diagnostics only.
  BranchTrail trail;
  /// How many times callbacks returned to their helper so far: states of different callback
  /// iterations are not a loop of the program (the helper bounds them), only of the helper.
  std::uint32_t callbackIterations = 0;

  Frame &current() { return frames.back(); }
  const Frame &current() const { return frames.back(); }
  RegisterValue &reg(unsigned index) { return frames.back().registers[index]; }
  const RegisterValue &reg(unsigned index) const { return frames.back().registers[index]; }

  /// Calls `f(RegisterValue&)` on every register and every spilled register of every frame.
  template <typename F> void forEachValue(F &&f) {
    for (Frame &frame : frames) {
      for (RegisterValue &value : frame.registers)
        f(value);
      for (StackSlot &slot : frame.stack.allSlots())
        if (slot.spillSize != 0)
          f(slot.spilled);
    }
  }
  const AcquiredReference *findReference(std::uint32_t id) const;
};

/// Whether every concrete state `candidate` stands for is one `covering` stands for, with the
/// identities of the two states in a consistent one-to-one correspondence (so that what
/// `covering` knows about copies holds in `candidate` too). Registers of the innermost frame
/// whose bit is clear in `liveInInnermostFrame` are not read again and are ignored.
bool includes(const AbstractState &covering, const AbstractState &candidate,
              std::uint16_t liveInInnermostFrame);

/// Identities [first, last] that `includes` may only match with themselves: the values a
/// loop's registers had at its head, which every path of a termination proof refers to.
struct PinnedIds {
  std::uint32_t first = 1;
  std::uint32_t last = 0; ///< empty when last < first
  bool contains(std::uint32_t id) const { return id >= first && id <= last; }
};
bool includes(const AbstractState &covering, const AbstractState &candidate,
              std::uint16_t liveInInnermostFrame, PinnedIds pinned);

/// A hash equal for states that include each other (identities are not hashed).
std::uint64_t stateHash(const AbstractState &state);

/// Whether every value of `inner` is a value of `outer`.
bool includes(const Scalar &outer, const Scalar &inner);

/// The smallest scalar holding both (component-wise hulls, reduced).
Scalar join(const Scalar &a, const Scalar &b);
/// The values in both (possibly empty: scalarIsEmpty).
Scalar meet(const Scalar &a, const Scalar &b);
/// An upper bound of two values: what both have in common (uninitialised, the top of the
/// order, when they are of different kinds).
RegisterValue join(const RegisterValue &a, const RegisterValue &b);
/// An upper bound of two states with the same call stack (nothing if the call stacks
/// differ); identities are dropped where the two states disagree.
std::optional<AbstractState> join(const AbstractState &a, const AbstractState &b);

/// The registers and stack of the innermost frame, one line each ("r1 = ctx(off=0)",
/// "fp-8 = 42"), for --invariants.
std::vector<std::string> describeState(const AbstractState &state);

} // namespace bpfcheck::absint
