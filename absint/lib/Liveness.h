// Which registers each instruction's function may still read before writing them: the
// engine compares only those when it decides whether a state is covered. Private to absint.
#pragma once

#include "bpfcheck/ir/Program.h"

#include <cstdint>
#include <vector>

namespace bpfcheck::absint::detail {

/// Bit r set: register r may be read on some path from before the instruction (per
/// instruction index; r10 is always live).
std::vector<std::uint16_t> liveRegistersBefore(const ProgramCode &code);

} // namespace bpfcheck::absint::detail
