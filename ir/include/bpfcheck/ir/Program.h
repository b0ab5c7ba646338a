// The IR of one BPF program: its decoded instructions, the functions they form (main and
// every subprogram reached by a local call or taken as a callback), each function's basic
// blocks, CFG edges and loops, and a source location per instruction when known.
#pragma once

#include "bpfcheck/ir/Instruction.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bpfcheck {

/// Where an instruction came from, from the object's line info (`file:line:col` and the
/// source line's text).
struct SourceLocation {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string text;
};

/// A maximal straight-line run of instructions: entered only at its first instruction,
/// left only after its last. Instruction and block numbers are indices into the program's
/// `instructions` and the function's `blocks`.
struct BasicBlock {
  std::uint32_t first = 0; ///< index of the first instruction
  std::uint32_t last = 0;  ///< index of the last instruction (inclusive)
  std::vector<std::uint32_t> successors;
  std::vector<std::uint32_t> predecessors;
  bool reachable = false; ///< reachable from the function's entry
};

/// A natural loop: the blocks that reach a back edge's source without passing its header.
struct Loop {
  std::uint32_t header = 0;            ///< block number of the loop head
  std::vector<std::uint32_t> latches;  ///< sources of the back edges into the header
  std::vector<std::uint32_t> blocks;   ///< every block of the loop, header included
  std::optional<std::uint32_t> parent; ///< the innermost enclosing loop, if any
  unsigned depth = 1;                  ///< 1 for an outermost loop
};

/// An edge that goes backwards in a depth-first walk but whose target does not dominate its
/// source: a loop with several entries, which the kernel also cannot bound.
struct IrreducibleEdge {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
};

/// Why a function belongs to the program.
enum class FunctionRole : std::uint8_t { Main, Subprogram, Callback };

/// A function: a contiguous range of instructions with one entry.
struct Function {
  std::string name;
  FunctionRole role = FunctionRole::Main;
  std::uint32_t firstInstruction = 0; ///< index into Program::instructions
  std::uint32_t endInstruction = 0;   ///< one past the last
  std::vector<BasicBlock> blocks;     ///< blocks[0] is the entry
  std::vector<Loop> loops;            ///< outer loops before the loops they contain
  std::vector<IrreducibleEdge> irreducibleEdges;
};

/// A whole program in the IR.
struct ProgramCode {
  std::vector<PlacedInstruction> instructions;
  std::vector<Function> functions; ///< functions[0] is main
  /// One entry per instruction (same index); empty optional where unknown.
  std::vector<std::optional<SourceLocation>> locations;

  /// Index of the instruction at slot `pc`, if one starts there.
  std::optional<std::uint32_t> indexOfPc(std::uint32_t pc) const;
  /// Index of the instruction a jump, local call or function address refers to, if it is
  /// one and its target starts an instruction.
  std::optional<std::uint32_t> targetIndexOf(const PlacedInstruction &placed) const;
  /// The function containing the instruction with this index.
  const Function &functionOf(std::uint32_t index) const;
  /// Number of 64-bit slots (what the kernel counts as instructions).
  std::uint32_t slotCount() const;
};

} // namespace bpfcheck
