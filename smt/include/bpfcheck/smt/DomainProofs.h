// Soundness proofs of the abstract domain's operators: each operator template of absint/
// is instantiated over Z3 bit-vectors (SymbolicWord) and checked against the ISA
// semantics (AluSemantics.h) for all abstract inputs and all their concrete members.
#pragma once

#include <z3++.h>

#include <functional>
#include <string>
#include <vector>

namespace bpfcheck::smt {

/// One claim: a Boolean term that must be valid (true for every assignment).
struct DomainProof {
  std::string name; ///< "tnum/add", "width/div@32", "branch/jmp/jlt/taken", …
  std::function<z3::expr(z3::context &)> claim;
  /// Beyond Z3 in minutes (32- and 64-bit multiplication and division circuits): run only
  /// when asked (`prove-domain --all`); each has a narrower proof of the same template.
  bool slow = false;
};

enum class ProofStatus { Proven, Refuted, Unknown };

struct ProofOutcome {
  ProofStatus status = ProofStatus::Unknown;
  std::string counterexample; ///< for Refuted: the model (abstract inputs, concrete values)
  std::string reason;         ///< for Unknown: Z3's reason (timeout, …)
  double seconds = 0;
};

/// Every proof of the domain, in a stable order.
std::vector<DomainProof> domainProofs();

/// Checks one claim with a time budget, in its own Z3 context.
ProofOutcome prove(const DomainProof &proof, unsigned timeoutMilliseconds);

const char *nameOf(ProofStatus status);

} // namespace bpfcheck::smt
