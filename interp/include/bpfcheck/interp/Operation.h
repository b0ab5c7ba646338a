// The operation codes of the pre-decoded program: one per distinct behaviour (Add64Imm,
// Load32, JumpSLt32Reg, CallHelper, ...), listed in Operations.def.
#pragma once

#include <cstdint>
#include <string_view>

namespace bpfcheck::interp {

enum class Operation : std::uint8_t {
#define BPFCHECK_OPERATION(Name) Name,
#include "bpfcheck/interp/Operations.def"
#undef BPFCHECK_OPERATION
};

/// How many operations there are.
inline constexpr unsigned OperationCount = 0
#define BPFCHECK_OPERATION(Name) +1
#include "bpfcheck/interp/Operations.def"
#undef BPFCHECK_OPERATION
    ;

/// "Add64Imm", for messages and dumps.
std::string_view operationName(Operation operation);

} // namespace bpfcheck::interp
