// Printing instructions in LLVM's BPF assembly syntax, exactly as `llvm-objdump-19 -d`
// prints them, so that bpfcheck's output reads like the disassembly users already know.
#pragma once

#include "bpfcheck/ir/Instruction.h"

#include <string>

namespace bpfcheck {

/// Which of llvm-objdump's two register spellings to use for sub-register accesses.
enum class RegisterStyle {
  /// `llvm-objdump -d`: 32-bit loads and stores name 64-bit registers (`r0 = *(u32 *)...`).
  Plain,
  /// `llvm-objdump -d --mcpu=v3` or later (alu32): they name sub-registers (`w0 = ...`).
  Alu32,
};

/// The instruction's text, e.g. `if r1 > 0x5 goto +0x3` or `r0 = *(u32 *)(r1 + 0x4)`.
///
/// Where llvm-objdump's own output loses information, this printer keeps it (documented
/// in docs/disassembly.md): 32-bit fetching atomics always use the alu32 form, `skb[r1 + 0x4]`
/// keeps a non-zero offset, and a pseudo 64-bit load's second immediate follows as a
/// comment (`ld_pseudo r1, 0x2, 0x3\t# 0x10`).
std::string printInstruction(const Instruction &insn, RegisterStyle style = RegisterStyle::Plain);

/// The compound-assignment spelling of an ALU operation (`+=`, `s>>=`; `= -` for neg).
const char *aluOperatorText(AluOp op);

} // namespace bpfcheck
