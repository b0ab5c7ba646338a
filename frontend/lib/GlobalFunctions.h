// The global subprograms of a linked program and their argument kinds, read from the
// object's BTF (FUNC linkage, FUNC_PROTO parameters, `arg:` decl tags), and what every
// function's prototype returns.
#pragma once

#include "bpfcheck/frontend/Object.h"

struct btf;

namespace bpfcheck {

/// The global functions among a program's subprograms (not the program itself).
std::vector<GlobalFunction> describeGlobalFunctions(const Program &program, const btf *types);

/// Whether each function with a BTF record returns a scalar (the kernel's check_btf_func).
std::vector<FunctionReturn> describeFunctionReturns(const Program &program, const btf *types);

} // namespace bpfcheck
