// Executes an obligation's path on the symbolic machine, instruction by instruction, with the
// ISA's bit-precise semantics (AluSemantics.h): branch decisions become assumptions, helper
// and kfunc results are what absint knew of them, memory they may write becomes unknown.
// Private to smt.
#pragma once

#include "SymbolicMachine.h"

#include "bpfcheck/absint/Obligation.h"

#include <chrono>

namespace bpfcheck::smt::detail {

/// A value that came from outside the program on the path, for models.
struct ExternalResult {
  std::uint32_t index = 0; ///< the instruction (a call)
  z3::expr value;
  bool pointer = false; ///< a pointer: only whether it is NULL means something
};

/// A read of the context on the path (offset from its start, bytes), for models.
struct ContextRead {
  z3::expr offset;
  unsigned bytes = 0;
};

class PathEncoder {
public:
  /// Encoding stops (EncodingGap) once `deadline` is past: long paths cost time before Z3
  /// is even asked.
  PathEncoder(SymbolicMachine &machine, const absint::ProgramInput &input,
              std::chrono::steady_clock::time_point deadline);

  /// Follows the path to the obligation's instruction (not executing it). Throws
  /// EncodingGap where the path does something the encoder does not model.
  void follow(const absint::Obligation &obligation);
  /// The access at the obligation's instruction reaches outside its memory. Throws
  /// EncodingGap when its memory's extent is unknown.
  z3::expr accessOutside(std::uint32_t index);

  std::vector<ExternalResult> externalResults;
  std::vector<ContextRead> contextReads;
  bool touchesPacket = false; ///< some access on the path (or the obligation's) is to the packet

private:
  /// Executes instruction `index`; returns the next one (none: the program ended).
  std::optional<std::uint32_t> execute(std::uint32_t index);
  const absint::PathStep *nextStep(absint::PathStep::Kind kind, std::uint32_t index);

  SymbolicValue &reg(unsigned r) { return machine.frames.back().registers[r]; }
  const SymbolicValue &readRegister(unsigned r, std::uint32_t index);
  SymbolicValue operand(const Operand &operand, std::uint32_t index);
  const SymbolicValue &pointerIn(unsigned r, std::uint32_t index);

  void executeAlu(const Alu &alu, std::uint32_t index);
  void executeMove(const Move &move, std::uint32_t index);
  void executeByteSwap(const ByteSwap &swap, std::uint32_t index);
  void executeLoadImmediate(const LoadImmediate64 &load, std::uint32_t index);
  void executeLoad(const Load &load, std::uint32_t index);
  void executeStore(unsigned base, std::int16_t offset, const SymbolicValue &value, unsigned bytes,
                    std::uint32_t index);
  void executeAtomic(const Atomic &atomic, std::uint32_t index);
  std::optional<std::uint32_t> executeCall(const Call &call, std::uint32_t index);
  std::optional<std::uint32_t> executeExit(std::uint32_t index);
  /// A call absint did not enter (helper, kfunc, global function): r0 from the path, r1-r5
  /// gone, memory its arguments reach written with unknown bytes.
  void callOutside(std::uint32_t index, const absint::PathStep &result, bool packetMoved,
                   const std::vector<std::pair<unsigned, std::optional<z3::expr>>> &writes);
  /// The stack offset of a stack address when it is one number.
  std::optional<std::int64_t> stackOffset(const SymbolicValue &pointer, const z3::expr &address);
  [[noreturn]] void gap(std::uint32_t index, const std::string &what) const;

  SymbolicMachine &machine;
  const absint::ProgramInput &input;
  const std::vector<absint::PathStep> *steps = nullptr;
  std::size_t cursor = 0;
  std::chrono::steady_clock::time_point deadline;
};

} // namespace bpfcheck::smt::detail
