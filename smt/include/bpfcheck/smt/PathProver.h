// The verifier's prover on Z3: decides an obligation absint could not (Obligation.h) by
// executing its path with the ISA's bit-precise semantics from the abstract state at the
// path's start, and asking whether an execution breaks it. unsat: proven; sat: refuted, with
// the input that does it when the path starts at the program's entry; anything the encoding
// does not model, or a timeout: unknown, and the program stays rejected.
#pragma once

#include "bpfcheck/absint/Obligation.h"
#include "bpfcheck/absint/Verifier.h"

namespace bpfcheck::smt {

struct PathProverOptions {
  /// Z3's time for one obligation.
  unsigned timeoutMilliseconds = 5000;
};

class PathProver final : public absint::ObligationProver {
public:
  explicit PathProver(PathProverOptions options = {}) : options(options) {}
  absint::ObligationAnswer prove(const absint::ProgramInput &input,
                                 const absint::Obligation &obligation) override;

private:
  PathProverOptions options;
};

} // namespace bpfcheck::smt
