// Building a program's functions, basic blocks, CFG edges and loops from its decoded
// instructions, with the kernel's structural rules for subprograms (no jump leaves its
// function; every function ends in exit or a jump).
#pragma once

#include "bpfcheck/ir/Expected.h"
#include "bpfcheck/ir/Program.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bpfcheck {

/// Splits `instructions` (already checked by decodeProgram) into functions and computes
/// their CFGs and loops. `functionNames` maps an entry slot to its symbol name; functions
/// without one are called `func@PC`.
Expected<ProgramCode> buildProgramCode(std::vector<PlacedInstruction> instructions,
                                       const std::map<std::uint32_t, std::string> &functionNames);

} // namespace bpfcheck
