// `bpfcheck prove-domain`: proves every operator of the abstract domain sound with Z3,
// printing each proof's outcome and time.
#include "Commands.h"

#include "bpfcheck/smt/DomainProofs.h"

#include <llvm/Support/Format.h>
#include <llvm/Support/raw_ostream.h>

namespace bpfcheck::tool {

int runProveDomain(const ProveDomainOptions &options) {
  unsigned proven = 0, failed = 0, matched = 0;
  double total = 0, worst = 0;
  std::string worstName;
  for (const smt::DomainProof &proof : smt::domainProofs()) {
    if (!options.operatorFilter.empty() &&
        proof.name.find(options.operatorFilter) == std::string::npos)
      continue;
    if (proof.slow && !options.includeSlow)
      continue;
    ++matched;
    const smt::ProofOutcome outcome = smt::prove(proof, options.timeoutSeconds * 1000);
    total += outcome.seconds;
    if (outcome.seconds > worst) {
      worst = outcome.seconds;
      worstName = proof.name;
    }
    llvm::outs() << llvm::format("%-32s %-8s %8.3f s", proof.name.c_str(),
                                 smt::nameOf(outcome.status), outcome.seconds);
    if (outcome.status == smt::ProofStatus::Refuted)
      llvm::outs() << "\n  counterexample:\n" << outcome.counterexample;
    if (outcome.status == smt::ProofStatus::Unknown)
      llvm::outs() << "  (" << outcome.reason << ")";
    llvm::outs() << "\n";
    llvm::outs().flush();
    if (outcome.status == smt::ProofStatus::Proven)
      ++proven;
    else
      ++failed;
  }
  if (matched == 0) {
    llvm::errs() << "bpfcheck: error: no domain operator matches '" << options.operatorFilter
                 << "'\n";
    return ExitBadInput;
  }
  llvm::outs() << llvm::format("%u operators proven sound, total %.1f s, worst %.2f s (%s)\n",
                               proven, total, worst, worstName.c_str());
  llvm::outs() << proven << " passed, " << failed << " failed\n";
  return failed == 0 ? ExitSuccess : ExitRejected;
}

} // namespace bpfcheck::tool
