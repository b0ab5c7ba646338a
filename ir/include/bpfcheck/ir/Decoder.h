// Decoding raw instruction slots into Instructions, with the kernel's structural rules:
// unknown opcodes, non-zero reserved fields, bad registers, and (for a whole program)
// jumps out of range or into the middle of a 64-bit load, falling off the end.
#pragma once

#include "bpfcheck/ir/Encoding.h"
#include "bpfcheck/ir/Expected.h"
#include "bpfcheck/ir/Instruction.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace bpfcheck {

/// Decodes the instruction starting at slot `pc` of `code`. A 64-bit immediate load also
/// reads slot pc + 1. Errors read "insn PC: problem".
Expected<Instruction> decodeInstruction(std::span<const encoding::RawInstruction> code,
                                        std::uint32_t pc);

/// Decodes a whole program (main function followed by its subprograms) and checks that it
/// is well formed: not empty, every jump and local call lands on an instruction start
/// inside the program, and no path falls off the end.
Expected<std::vector<PlacedInstruction>>
decodeProgram(std::span<const encoding::RawInstruction> code);

/// Decodes every instruction of `code` without the whole-program checks (for disassembling
/// a section that holds several functions).
Expected<std::vector<PlacedInstruction>>
decodeInstructions(std::span<const encoding::RawInstruction> code);

/// The slot a jump or local call at `pc` transfers to, if the instruction is one.
std::optional<std::int64_t> branchTarget(const PlacedInstruction &placed);

} // namespace bpfcheck
