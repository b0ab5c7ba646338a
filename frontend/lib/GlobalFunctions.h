// The global subprograms of a linked program and their argument kinds, read from the
// object's BTF (FUNC linkage, FUNC_PROTO parameters, `arg:` decl tags).
#pragma once

#include "bpfcheck/frontend/Object.h"

struct btf;

namespace bpfcheck {

/// The global functions among a program's subprograms (not the program itself).
std::vector<GlobalFunction> describeGlobalFunctions(const Program &program, const btf *types);

} // namespace bpfcheck
