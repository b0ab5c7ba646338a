// Verifying the programs of a loaded object: the bridge from what the frontend read (an
// Object with its maps, licence and relocated programs) to what the verifier takes (one
// ProgramInput per program), used by the CLI, the tests and the benchmarks alike.
#pragma once

#include "bpfcheck/absint/Verifier.h"
#include "bpfcheck/frontend/Object.h"

#include <string_view>
#include <vector>

namespace bpfcheck::driver {

/// The verifier's view of one program of `object`. The result refers to `program.code` and
/// to `kernelTypes` (which may be null): keep them alive while it is used.
absint::ProgramInput programInput(const Object &object, const Program &program,
                                  const KernelTypes *kernelTypes);

struct ProgramVerdict {
  const Program *program = nullptr;
  absint::VerifyResult result;
};

/// Verifies every program of the object (or only the one named `only`), in object order,
/// with the kernel types of `kernelTypes` (null: the running kernel's BTF, read if needed).
std::vector<ProgramVerdict> verifyObject(const Object &object, const absint::VerifyOptions &options,
                                         std::string_view only = {},
                                         const KernelTypes *kernelTypes = nullptr);

} // namespace bpfcheck::driver
