// Checks platform/lib/HelperAvailability.cpp against the running kernel: for every helper id
// 1..211 and every program type (and, where availability depends on it, every relevant
// expected attach type) it loads `call <id>; r0 = 0; exit` and reads the verifier's answer.
//
// The kernel looks the helper up before it looks at any argument (check_helper_call →
// get_helper_proto), so the first message about the call says whether the type may use it.
// Unavailable (Linux 6.18 wording):
//   "program of this type cannot use helper bpf_x#N"  get_func_proto returned no prototype
//   "unknown func bpf_x#N"                             the same, as older kernels word it
//   "helper call is not allowed in probe"             the prototype's `allowed` callback
//                                                     refused this program
//   "func bpf_get_func_ip#173 not supported for program type N",
//   "func bpf_get_func_ip#173 supported only for fentry/fexit/fmod_ret programs"
//                                                     check_get_func_ip, a per-type refusal
// Any other outcome (accepted, or rejected for an argument ("R1 type=ctx expected=…"), the
// return value, or "helper call might sleep in a non-sleepable prog") means the prototype
// was found: the helper is available. r1 holds the context at entry, so a helper whose first
// argument is the context passes its argument checks and reaches the per-type checks.
// "invalid func" (an id the kernel does not know) and a refusal with an empty log are
// reported as unexpected.
//
// Types the kernel cannot judge on this machine are counted apart (environment cells): a
// baseline `r0 = 0; exit` fails before the verifier runs. Here: fentry, fexit, fmod_ret and
// LSM programs (EPERM, empty log), lirc_mode2 (EINVAL: no CONFIG_BPF_LIRC_MODE2 without
// CONFIG_RC_CORE), freplace (the oracle builds no target program). Their rows are facts
// read from the kernel source, not checked here.
//
// Known differences between the table (Linux 6.18, distribution configuration, no lockdown;
// blind to struct_ops members and iterator targets) and this kernel, each with the source
// fact that explains it. The test prints them as KNOWN and counts them apart, not as failures:
//
//   | helper               | where              | table | kernel | reason                      |
//   |----------------------|--------------------|-------|--------|-----------------------------|
//   | bpf_probe_write_user | every tracing type | yes   | no     | bpf_tracing_func_proto      |
//   | (#36)                | (kprobe, tp, perf, |       |        | returns it only when        |
//   |                      | raw_tp, tracing,   |       |        | security_locked_down(       |
//   |                      | syscall)           |       |        | LOCKDOWN_BPF_WRITE_USER)    |
//   |                      |                    |       |        | passes; this machine runs   |
//   |                      |                    |       |        | lockdown=integrity, and     |
//   |                      |                    |       |        | that reason is below        |
//   |                      |                    |       |        | LOCKDOWN_INTEGRITY_MAX.     |
//   | bpf_override_return  | kprobe (every      | yes   | no     | kprobe_prog_func_proto      |
//   | (#58)                | attach type)       |       |        | grants it under CONFIG_BPF_ |
//   |                      |                    |       |        | KPROBE_OVERRIDE, which      |
//   |                      |                    |       |        | needs CONFIG_KPROBES; this  |
//   |                      |                    |       |        | kernel has neither.         |
//   | bpf_setsockopt (#49),| struct_ops         | yes   | no     | bpf_tcp_ca_get_func_proto   |
//   | bpf_getsockopt (#57) | tcp_congestion_ops |       |        | refuses both in the         |
//   |                      | .release           |       |        | `release` member; the table |
//   |                      |                    |       |        | has no struct_ops members.  |
//   | bpf_setsockopt (#49),| tracing iter "tcp" | no    | yes    | bpf_iter_tcp_get_func_proto |
//   | bpf_getsockopt (#57) |                    |       |        | grants both to the tcp      |
//   |                      |                    |       |        | iterator; the table has no  |
//   |                      |                    |       |        | iterator targets.           |
//
// Exit status: 0 when every judged cell agrees (known differences aside), 1 otherwise, 77
// (ctest: skipped) when bpf() is not usable here. The last line reads "N passed, M failed";
// known differences and environment cells are counted on the line before it.
#include "../oracle/KernelOracle.h"
#include "../oracle/ProgramTypeCases.h"

#include "bpfcheck/platform/HelperAvailability.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace bpfcheck;
using oracle::allCases;
using oracle::Case;
using oracle::describe;
using oracle::logSays;
using oracle::makeProgram;
using oracle::reasonLine;

namespace {

constexpr int ExitSkipped = 77;
constexpr std::uint32_t FirstHelper = 1;
constexpr std::uint32_t LastHelper = 211;

/// A difference the table keeps on purpose (see the table at the top of this file): for a
/// helper, in one program type (or any), for one attach target or struct member (or any),
/// where the table says `tableAvailable` and the kernel the opposite.
struct KnownDifference {
  HelperId helper;
  std::optional<ProgramType> type;
  const char *target; ///< attach target or struct_ops member; nullptr: any
  bool tableAvailable;
  const char *reason;
};

const KnownDifference KnownDifferences[] = {
    {HelperId::ProbeWriteUser, std::nullopt, nullptr, true,
     "lockdown=integrity: LOCKDOWN_BPF_WRITE_USER is an integrity reason"},
    {HelperId::OverrideReturn, ProgramType::Kprobe, nullptr, true,
     "CONFIG_BPF_KPROBE_OVERRIDE is not set (this kernel has no CONFIG_KPROBES)"},
    {HelperId::Setsockopt, ProgramType::StructOps, "release", true,
     "bpf_tcp_ca_get_func_proto refuses it in tcp_congestion_ops.release (member-blind table)"},
    {HelperId::Getsockopt, ProgramType::StructOps, "release", true,
     "bpf_tcp_ca_get_func_proto refuses it in tcp_congestion_ops.release (member-blind table)"},
    {HelperId::Setsockopt, ProgramType::Tracing, "tcp", false,
     "bpf_iter_tcp_get_func_proto grants it to the tcp iterator (target-blind table)"},
    {HelperId::Getsockopt, ProgramType::Tracing, "tcp", false,
     "bpf_iter_tcp_get_func_proto grants it to the tcp iterator (target-blind table)"},
};

const KnownDifference *knownDifference(std::uint32_t helper, const Case &c, bool table) {
  for (const KnownDifference &known : KnownDifferences) {
    if (std::uint32_t(known.helper) != helper || known.tableAvailable != table ||
        (known.type && *known.type != c.type))
      continue;
    if (known.target && c.target != known.target && c.structMember != known.target)
      continue;
    return &known;
  }
  return nullptr;
}

/// "bpf_map_lookup_elem#1", from the helper id table.
std::string helperLabel(std::uint32_t id) {
  static constexpr std::pair<std::uint32_t, const char *> Names[] = {
#define HELPER_ID(Name, value, text) {value, text},
#include "bpfcheck/platform/HelperIds.def"
  };
  for (const auto &[value, text] : Names)
    if (value == id)
      return std::string(text) + "#" + std::to_string(id);
  return "helper#" + std::to_string(id);
}

oracle::AvailabilityAnswer classify(const oracle::KernelResult &result) {
  return oracle::classifyAvailability(result,
                                      {"program of this type cannot use helper", "unknown func ",
                                       "helper call is not allowed in probe",
                                       " not supported for program type ",
                                       " supported only for fentry/fexit/fmod_ret programs"},
                                      {"invalid func "});
}

struct CaseTally {
  unsigned agree = 0, mismatch = 0, known = 0, environment = 0, unexpected = 0;
  unsigned kernelAvailable = 0, tableAvailable = 0;
};

} // namespace

int main(int argc, char **argv) {
  // --verbose: one line per cell with the kernel's reason, for reviewing the classification.
  const bool verbose = argc > 1 && std::string(argv[1]) == "--verbose";
  std::string why;
  if (!oracle::kernelAvailable(why)) {
    std::printf("SKIPPED: %s\n", why.c_str());
    return ExitSkipped;
  }
  const auto start = std::chrono::steady_clock::now();
  Object object;
  object.license = "GPL";

  const encoding::RawInstruction movR0 = oracle::moveImmediate(0, 0);
  const encoding::RawInstruction exitInsn = oracle::exitInstruction();

  unsigned passed = 0, failed = 0, known = 0, environment = 0;
  std::vector<std::pair<std::string, CaseTally>> summaries;
  for (const Case &c : allCases()) {
    CaseTally tally;
    const std::string where = describe(c);
    // Can this kernel judge the type at all?
    if (const std::optional<std::string> problem = oracle::whyNotJudged(object, c)) {
      std::printf("ENVIRONMENT %s: not checkable here: %s\n", where.c_str(), problem->c_str());
      tally.environment = LastHelper - FirstHelper + 1;
      for (std::uint32_t id = FirstHelper; id <= LastHelper; ++id)
        tally.tableAvailable += helperAvailable(HelperId(id), c.type, c.attach);
      environment += tally.environment;
      summaries.emplace_back(where, tally);
      continue;
    }
    for (std::uint32_t id = FirstHelper; id <= LastHelper; ++id) {
      const bool table = helperAvailable(HelperId(id), c.type, c.attach);
      tally.tableAvailable += table;
      const oracle::KernelResult result = oracle::loadInKernel(
          object, makeProgram(c, {encoding::RawInstruction::make(0x85, 0, 0, 0, std::int32_t(id)),
                                  movR0, exitInsn}));
      const oracle::AvailabilityAnswer answer = classify(result);
      if (verbose)
        std::printf("CELL %s %s: table %s, kernel %s: %s\n", helperLabel(id).c_str(), where.c_str(),
                    table ? "available" : "unavailable", oracle::nameOf(answer.answer),
                    answer.detail.c_str());
      if (answer.answer == oracle::Availability::Environment) {
        ++tally.environment;
        ++environment;
        std::printf("ENVIRONMENT %s %s: %s\n", helperLabel(id).c_str(), where.c_str(),
                    answer.detail.c_str());
        continue;
      }
      if (answer.answer == oracle::Availability::Unexpected) {
        ++tally.unexpected;
        ++failed;
        std::printf("UNEXPECTED %s %s: table says %s; kernel: %s\n", helperLabel(id).c_str(),
                    where.c_str(), table ? "available" : "unavailable", answer.detail.c_str());
        continue;
      }
      const bool kernel = answer.answer == oracle::Availability::Available;
      tally.kernelAvailable += kernel;
      if (kernel == table) {
        ++tally.agree;
        ++passed;
        continue;
      }
      if (const KnownDifference *difference = knownDifference(id, c, table)) {
        ++tally.known;
        ++known;
        std::printf("KNOWN %s %s: table says %s, kernel says %s: %s\n", helperLabel(id).c_str(),
                    where.c_str(), table ? "available" : "unavailable",
                    kernel ? "available" : "unavailable", difference->reason);
        continue;
      }
      ++tally.mismatch;
      ++failed;
      std::printf("MISMATCH %s %s: table says %s, kernel says %s; log: %s\n",
                  helperLabel(id).c_str(), where.c_str(), table ? "available" : "unavailable",
                  kernel ? "available" : "unavailable", answer.detail.c_str());
    }
    summaries.emplace_back(where, tally);
  }

  std::printf("\nper type (helpers %u..%u each):\n", FirstHelper, LastHelper);
  for (const auto &[where, tally] : summaries)
    std::printf("  %-48s agree %3u  mismatch %3u  known %2u  unexpected %2u  environment %3u"
                "  available: table %3u, kernel %3u\n",
                where.c_str(), tally.agree, tally.mismatch, tally.known, tally.unexpected,
                tally.environment, tally.tableAvailable, tally.kernelAvailable);
  const unsigned cells = unsigned(summaries.size()) * (LastHelper - FirstHelper + 1);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nmatrix: %u helpers x %zu type/attach cases = %u cells; judged by the kernel "
              "%u, agreeing %u (%.1f%%), known differences %u, not judged (environment) %u; "
              "%.1f s\n",
              LastHelper - FirstHelper + 1, summaries.size(), cells, cells - environment, passed,
              cells == environment ? 0.0 : 100.0 * passed / (cells - environment), known,
              environment, seconds);
  std::printf("%u passed, %u failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
