// Encoding Instructions back into raw slots: the exact inverse of the decoder.
#pragma once

#include "bpfcheck/ir/Encoding.h"
#include "bpfcheck/ir/Instruction.h"

#include <span>
#include <vector>

namespace bpfcheck {

/// Appends the one or two slots of `insn` to `out`.
void encodeInstruction(const Instruction &insn, std::vector<encoding::RawInstruction> &out);

/// Encodes a sequence of instructions (their pcs are not consulted: slots are contiguous).
std::vector<encoding::RawInstruction> encodeProgram(std::span<const PlacedInstruction> code);

} // namespace bpfcheck
