// The bpfcheck subcommands, each a function from parsed options to an exit status
// (0 success, 1 some program rejected, 2 bad input or usage).
#pragma once

#include "bpfcheck/absint/Verifier.h"
#include "bpfcheck/frontend/ObjectLoader.h"

#include <string>
#include <vector>

namespace bpfcheck::tool {

inline constexpr int ExitSuccess = 0;
inline constexpr int ExitRejected = 1;
inline constexpr int ExitBadInput = 2;

struct DumpOptions {
  std::string objectPath;
  std::string programName; ///< empty: every program
  bool cfgDot = false;     ///< --cfg dot: Graphviz instead of the listing
  bool alu32Registers = false;
  LoadOptions load;
};

int runDump(const DumpOptions &options);

enum class OutputFormat { Text, Table, Json, Sarif };

struct VerifyOptions {
  std::vector<std::string> objectPaths;
  std::string programName; ///< empty: every program
  OutputFormat format = OutputFormat::Text;
  bool unprivileged = false; ///< the rules for a loader without CAP_BPF / CAP_PERFMON
  absint::LoopMode loops = absint::LoopMode::Auto;
  bool invariants = false; ///< print the abstract state before each instruction
  absint::Budgets budgets;
  LoadOptions load;
  bool smt = true; ///< ask Z3 about obligations the abstract domain cannot prove
  unsigned smtTimeoutMilliseconds = 5000;
  std::uint64_t smtBudgetMilliseconds = 30'000;
  std::string counterexampleDirectory; ///< empty: counterexamples are not written
};

/// Verifies every program; 1 if any is rejected or too complex.
int runVerify(const VerifyOptions &options);

struct ProveDomainOptions {
  std::string operatorFilter; ///< only proofs whose name contains this
  unsigned timeoutSeconds = 120;
  bool includeSlow = false; ///< also the proofs beyond Z3 in minutes (--all)
};

struct RunOptions {
  std::string objectPath;
  std::string programName;
  std::string packetPath;  ///< the frame's bytes (data_in)
  std::string contextPath; ///< JSON description of the context (ctx_in)
  unsigned repeat = 1;
  bool checked = false;    ///< validate every memory access
  bool unverified = false; ///< run without the verifier's acceptance (checked, budgeted)
  std::uint64_t instructionBudget = 10'000'000;
  bool json = false;
  LoadOptions load;
};

/// Runs one program; 1 if it is not accepted (without --unverified) or stops on a fault.
int runProgram(const RunOptions &options);

/// Proves the abstract domain's operators sound; 1 if any proof fails or times out.
int runProveDomain(const ProveDomainOptions &options);

} // namespace bpfcheck::tool
