// Checks platform/lib/KernelFunctions.cpp against the running kernel, for every row whose
// name is a FUNC in /sys/kernel/btf/vmlinux (rows this kernel's BTF lacks are reported as
// MISSING and counted apart):
//
// 1. Availability. For every program type case (tests/oracle/ProgramTypeCases.h) it loads
//    `call <kfunc>; r0 = 0; exit` (BPF_PSEUDO_KFUNC_CALL, imm = the vmlinux BTF id) with a
//    GPL licence and compares the kernel's answer with kernelFunctionSetCallableFrom(set,
//    type). The kernel looks the kfunc up in the sets registered for the program's kfunc hook
//    before it looks at any argument (check_kfunc_call → fetch_kfunc_meta), so the first
//    message about the call decides. Unavailable:
//      "calling kernel function <name> is not allowed"
//    Any other outcome (accepted, or refused for an argument ("R1 is not a scalar",
//    "arg#0 ..."), for sleepability, for a lock or reference left at exit) means available.
//    A refusal from add_kfunc_call before the lookup ("JIT is required ...", "... non-GPL
//    compatible program", "failed to find BTF for kernel function") or with an empty log is
//    reported as UNEXPECTED.
// 2. Flags, in a case where the kernel found the kfunc available: a tracepoint if it can be,
//    else the first non-sleepable case; for sleepable kfuncs the task iterator made sleepable
//    or the (sleepable) syscall case.
//    - KfSleepable, for every row: in a non-sleepable program the kernel says "program must
//      be sleepable to call sleepable kfunc" iff the kfunc is sleepable. check_kfunc_call
//      tests this right after the lookup, before the arguments, so every kfunc can be probed.
//    - KfAcquire, for kfuncs whose arguments are all integers (r1..r5 = 0 before the call):
//      `call; r0 = 0; exit` ends with "Unreleased reference" iff the kfunc acquires one.
//    - KfReturnsNull, for those of them that return a pointer to a struct:
//      `call; r0 = *(u64 *)(r0 + 0); r0 = 0; exit` is refused with "invalid mem access
//      'ptr_or_null_'" iff the pointer may be NULL.
// 3. kernelContextType, per program type: a name other than "void", "u64" and "u32" must be
//    a STRUCT in vmlinux BTF; and where the kernel can judge the type, `r0 =
//    bpf_cast_to_kern_ctx(r1); r0 = *(u64 *)(r0 + 32760)` must be refused with "access
//    beyond struct <name>" for a struct, "kern ctx type id N is not a struct" otherwise.
//
// Types the kernel cannot judge on this machine (a baseline `r0 = 0; exit` fails before the
// verifier runs: fentry, fexit, fmod_ret and LSM programs with EPERM, lirc_mode2 with EINVAL,
// freplace without a target) are environment cells, counted apart.
//
// Known differences: none.
//
// Exit status: 0 when every check agrees, 1 otherwise, 77 (ctest: skipped) when bpf() is not
// usable here or the kernel has no BTF. The last line reads "N passed, M failed"; missing
// rows and environment cells are counted on the lines before it. --verbose prints every
// availability cell and flag check with the kernel's reason.
#include "../oracle/KernelOracle.h"
#include "../oracle/ProgramTypeCases.h"

#include "bpfcheck/platform/KernelFunctions.h"

#include <bpf/btf.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace bpfcheck;
using oracle::Case;
using oracle::describe;
using oracle::logSays;
using oracle::makeProgram;
using oracle::reasonLine;

namespace {

constexpr int ExitSkipped = 77;
constexpr std::uint8_t PseudoKernelFunctionCall = 2; ///< BPF_PSEUDO_KFUNC_CALL

using KernelBtf = std::unique_ptr<btf, void (*)(btf *)>;

/// What the kernel's BTF says of a kfunc that matters for building probe programs.
struct KernelFunctionInBtf {
  const KernelFunctionRule *rule;
  std::uint32_t btfId;
  bool integerArgumentsOnly; ///< every parameter an int or enum (or none at all)
  bool returnsStructPointer;
};

/// The type behind typedefs and const/volatile/restrict/type_tag modifiers.
const btf_type *withoutModifiers(const btf *kernelBtf, std::uint32_t id) {
  const btf_type *type = btf__type_by_id(kernelBtf, id);
  while (type && (btf_is_typedef(type) || btf_is_mod(type)))
    type = btf__type_by_id(kernelBtf, type->type);
  return type;
}

std::optional<KernelFunctionInBtf> findInBtf(const btf *kernelBtf, const KernelFunctionRule &rule) {
  const std::string name(rule.name);
  const int id = btf__find_by_name_kind(kernelBtf, name.c_str(), BTF_KIND_FUNC);
  if (id <= 0)
    return std::nullopt;
  const btf_type *prototype = btf__type_by_id(kernelBtf, btf__type_by_id(kernelBtf, id)->type);
  KernelFunctionInBtf found{&rule, std::uint32_t(id), true, false};
  const btf_param *parameter = btf_params(prototype);
  for (unsigned i = 0; i < btf_vlen(prototype); ++i, ++parameter) {
    const btf_type *type = withoutModifiers(kernelBtf, parameter->type);
    if (!type || !(btf_is_int(type) || btf_is_any_enum(type)))
      found.integerArgumentsOnly = false;
  }
  const btf_type *returned = withoutModifiers(kernelBtf, prototype->type);
  if (returned && btf_is_ptr(returned)) {
    const btf_type *pointee = withoutModifiers(kernelBtf, returned->type);
    found.returnsStructPointer = pointee && btf_is_struct(pointee);
  }
  return found;
}

/// `call <kfunc>` (BPF_JMP | BPF_CALL, src BPF_PSEUDO_KFUNC_CALL, imm the vmlinux BTF id).
encoding::RawInstruction callKernelFunction(std::uint32_t btfId) {
  return encoding::RawInstruction::make(0x85, 0, PseudoKernelFunctionCall, 0, std::int32_t(btfId));
}

encoding::RawInstruction callOf(const KernelFunctionInBtf &kfunc) {
  return callKernelFunction(kfunc.btfId);
}

/// `r0 = *(u64 *)(r0 + offset)` (BPF_LDX | BPF_MEM | BPF_DW).
encoding::RawInstruction loadThroughR0(std::int16_t offset) {
  return encoding::RawInstruction::make(0x79, 0, 0, offset, 0);
}

/// `r1 = 0; ...; r5 = 0; call <kfunc>`: the call of a kfunc whose arguments are integers.
std::vector<encoding::RawInstruction> callWithZeroArguments(const KernelFunctionInBtf &kfunc) {
  std::vector<encoding::RawInstruction> slots;
  for (std::uint8_t reg = 1; reg <= 5; ++reg)
    slots.push_back(oracle::moveImmediate(reg, 0));
  slots.push_back(callOf(kfunc));
  return slots;
}

oracle::AvailabilityAnswer classify(const oracle::KernelResult &result, std::string_view name) {
  // add_kfunc_call's refusals come before the kernel looks the kfunc up in any set.
  return oracle::classifyAvailability(
      result, {"calling kernel function " + std::string(name) + " is not allowed"},
      {"calling kernel function is not supported", "JIT is required for calling kernel function",
       "JIT does not support calling kernel function", "non-GPL compatible program",
       "failed to find BTF for kernel function", "is not a function",
       "does not have a valid func_proto", "cannot find address for kernel function"});
}

const char *yesNo(bool value) {
  return value ? "yes" : "no";
}

struct Tally {
  unsigned passed = 0, failed = 0;
};

struct CaseTally {
  unsigned agree = 0, mismatch = 0, unexpected = 0, environment = 0;
  unsigned tableAvailable = 0, kernelAvailable = 0;
};

/// A program type case and whether this kernel can judge programs of it.
struct JudgedCase {
  Case programCase;
  std::optional<std::string> notJudgedBecause;
};

/// Part 1: loads the call in every case; returns the cases where the kernel found the kfunc
/// available.
std::vector<Case> checkAvailability(const Object &object, const KernelFunctionInBtf &kfunc,
                                    const std::vector<JudgedCase> &cases,
                                    std::vector<CaseTally> &caseTallies, Tally &tally,
                                    bool verbose) {
  std::vector<Case> availableIn;
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const Case &c = cases[index].programCase;
    CaseTally &caseTally = caseTallies[index];
    const bool table = kernelFunctionSetCallableFrom(kfunc.rule->set, c.type);
    caseTally.tableAvailable += table;
    if (cases[index].notJudgedBecause) {
      ++caseTally.environment;
      continue;
    }
    const oracle::KernelResult result = oracle::loadInKernel(
        object,
        makeProgram(c, {callOf(kfunc), oracle::moveImmediate(0, 0), oracle::exitInstruction()},
                    "kfunc"));
    const oracle::AvailabilityAnswer answer = classify(result, kfunc.rule->name);
    const std::string name(kfunc.rule->name);
    if (verbose)
      std::printf("CELL kfunc=%s type=%s table=%s kernel=%s: %s\n", name.c_str(),
                  describe(c).c_str(), yesNo(table), oracle::nameOf(answer.answer),
                  answer.detail.c_str());
    if (answer.answer == oracle::Availability::Environment) {
      ++caseTally.environment;
      std::printf("ENVIRONMENT kfunc=%s type=%s: %s\n", name.c_str(), describe(c).c_str(),
                  answer.detail.c_str());
      continue;
    }
    if (answer.answer == oracle::Availability::Unexpected) {
      ++caseTally.unexpected;
      ++tally.failed;
      std::printf("UNEXPECTED kfunc=%s type=%s table=%s log=%s\n", name.c_str(),
                  describe(c).c_str(), yesNo(table), answer.detail.c_str());
      continue;
    }
    const bool kernel = answer.answer == oracle::Availability::Available;
    if (kernel)
      availableIn.push_back(c);
    caseTally.kernelAvailable += kernel;
    if (kernel == table) {
      ++caseTally.agree;
      ++tally.passed;
      continue;
    }
    ++caseTally.mismatch;
    ++tally.failed;
    std::printf("MISMATCH kfunc=%s type=%s table=%s kernel=%s log=%s\n", name.c_str(),
                describe(c).c_str(), yesNo(table), yesNo(kernel), answer.detail.c_str());
  }
  return availableIn;
}

/// Where to observe a kfunc's flags: among the cases where the kernel found it available, a
/// tracepoint if possible, else the first non-sleepable one; or, for `sleepable`, the
/// sleepable syscall case or a task iterator made sleepable.
std::optional<Case> flagSite(const std::vector<Case> &availableIn, bool sleepable) {
  if (sleepable) {
    for (const Case &c : availableIn) {
      if (c.sleepable)
        return c;
      if (c.type == ProgramType::Tracing && c.attach == AttachType::TraceIter) {
        Case sleepableIterator = c;
        sleepableIterator.sleepable = true;
        return sleepableIterator;
      }
    }
    return std::nullopt;
  }
  for (const Case &c : availableIn)
    if (c.type == ProgramType::Tracepoint)
      return c;
  for (const Case &c : availableIn)
    if (!c.sleepable)
      return c;
  return std::nullopt;
}

/// Counts of part 2, and whether to show every check.
struct FlagChecks {
  Tally tally;
  unsigned sleepable = 0, acquire = 0, returnsNull = 0;
  unsigned withoutSite = 0; ///< checks skipped: no case where the kernel found the kfunc available
  bool verbose = false;

  /// Compares one flag of the table with what the kernel's log shows.
  void compare(const KernelFunctionInBtf &kfunc, const char *flagName, KernelFunctionFlag flag,
               const Case &site, const oracle::KernelResult &result, bool kernel) {
    const bool table = (kfunc.rule->flags & flag) != 0;
    const std::string name(kfunc.rule->name);
    const std::string reason = result.verdict == oracle::KernelVerdict::Accepted
                                   ? std::string("accepted")
                                   : reasonLine(result.log);
    if (verbose)
      std::printf("FLAG kfunc=%s flag=%s type=%s table=%s kernel=%s log=%s\n", name.c_str(),
                  flagName, describe(site).c_str(), yesNo(table), yesNo(kernel), reason.c_str());
    if (table == kernel) {
      ++tally.passed;
      return;
    }
    ++tally.failed;
    std::printf("MISMATCH kfunc=%s flag=%s type=%s table=%s kernel=%s log=%s\n", name.c_str(),
                flagName, describe(site).c_str(), yesNo(table), yesNo(kernel), reason.c_str());
  }
};

/// Part 2: KfSleepable for every kfunc, KfAcquire and KfReturnsNull for those whose
/// arguments are integers.
void checkFlags(const Object &object, const KernelFunctionInBtf &kfunc,
                const std::vector<Case> &availableIn, FlagChecks &checks) {
  const auto load = [&](const Case &site, std::vector<encoding::RawInstruction> slots) {
    slots.push_back(oracle::moveImmediate(0, 0));
    slots.push_back(oracle::exitInstruction());
    return oracle::loadInKernel(object, makeProgram(site, std::move(slots), "kfunc_flags"));
  };
  bool sleepable = (kfunc.rule->flags & KfSleepable) != 0;
  if (const std::optional<Case> site = flagSite(availableIn, false)) {
    const oracle::KernelResult result = load(*site, {callOf(kfunc)});
    sleepable = logSays(result.log, "program must be sleepable to call sleepable kfunc");
    checks.compare(kfunc, "KfSleepable", KfSleepable, *site, result, sleepable);
    ++checks.sleepable;
  } else {
    ++checks.withoutSite;
  }
  if (!kfunc.integerArgumentsOnly)
    return;
  const std::optional<Case> site = flagSite(availableIn, sleepable);
  if (!site) {
    ++checks.withoutSite;
    return;
  }
  const oracle::KernelResult acquire = load(*site, callWithZeroArguments(kfunc));
  checks.compare(kfunc, "KfAcquire", KfAcquire, *site, acquire,
                 logSays(acquire.log, "Unreleased reference"));
  ++checks.acquire;
  if (!kfunc.returnsStructPointer)
    return;
  std::vector<encoding::RawInstruction> dereference = callWithZeroArguments(kfunc);
  dereference.push_back(loadThroughR0(0));
  const oracle::KernelResult returnsNull = load(*site, std::move(dereference));
  checks.compare(kfunc, "KfReturnsNull", KfReturnsNull, *site, returnsNull,
                 logSays(returnsNull.log, "invalid mem access") &&
                     logSays(returnsNull.log, "or_null"));
  ++checks.returnsNull;
}

/// Farther than the end of any kernel context struct, within a load's 16-bit offset.
constexpr std::int16_t BeyondAnyContextStruct = 32760;

/// Part 3: each program type's kernel context type is a struct of this kernel's BTF, and is
/// what bpf_cast_to_kern_ctx returns in a program of that type: `r0 = bpf_cast_to_kern_ctx(r1);
/// r0 = *(u64 *)(r0 + 32760)` is refused with "access beyond struct <name> at off ..."
/// (btf_struct_walk) for a struct, with "kern ctx type id N is not a struct" otherwise.
void checkContextTypes(const Object &object, const btf *kernelBtf,
                       const std::vector<JudgedCase> &cases, Tally &tally) {
  const int castId = btf__find_by_name_kind(kernelBtf, "bpf_cast_to_kern_ctx", BTF_KIND_FUNC);
  std::set<ProgramType> seen;
  unsigned structs = 0, scalars = 0, unknown = 0, loaded = 0;
  for (const JudgedCase &judged : cases) {
    const ProgramType type = judged.programCase.type;
    if (!seen.insert(type).second)
      continue;
    const std::string typeName(nameOf(type));
    const std::string name(kernelContextType(type));
    if (name.empty()) {
      ++unknown;
      std::printf("NOTE context type=%s: the table has no kernel context type\n", typeName.c_str());
      continue;
    }
    const bool isStruct = name != "void" && name != "u64" && name != "u32";
    if (isStruct)
      ++structs;
    else
      ++scalars;
    if (isStruct && btf__find_by_name_kind(kernelBtf, name.c_str(), BTF_KIND_STRUCT) > 0) {
      ++tally.passed;
    } else if (isStruct) {
      ++tally.failed;
      std::printf("MISMATCH context type=%s table=struct %s kernel=no such STRUCT in vmlinux BTF\n",
                  typeName.c_str(), name.c_str());
    }
    const auto site = std::find_if(cases.begin(), cases.end(), [&](const JudgedCase &c) {
      return c.programCase.type == type && !c.notJudgedBecause;
    });
    if (site == cases.end() || castId <= 0)
      continue;
    const oracle::KernelResult result = oracle::loadInKernel(
        object, makeProgram(site->programCase,
                            {callKernelFunction(std::uint32_t(castId)),
                             loadThroughR0(BeyondAnyContextStruct), oracle::moveImmediate(0, 0),
                             oracle::exitInstruction()},
                            "kern_ctx"));
    ++loaded;
    const std::string expected =
        isStruct ? "access beyond struct " + name + " at off" : std::string("is not a struct");
    if (logSays(result.log, expected)) {
      ++tally.passed;
      continue;
    }
    ++tally.failed;
    const std::string reason = result.verdict == oracle::KernelVerdict::Accepted
                                   ? std::string("accepted")
                                   : reasonLine(result.log);
    std::printf("MISMATCH context type=%s table=%s kernel=bpf_cast_to_kern_ctx log=%s\n",
                typeName.c_str(), name.c_str(), reason.c_str());
  }
  std::printf("context types: %zu program types: %u structs looked up in BTF, %u void/u64/u32, "
              "%u unknown to the table; %u checked with bpf_cast_to_kern_ctx\n",
              seen.size(), structs, scalars, unknown, loaded);
}

} // namespace

int main(int argc, char **argv) {
  // --verbose: one line per availability cell and per flag check with the kernel's reason.
  const bool verbose = argc > 1 && std::string(argv[1]) == "--verbose";
  std::string why;
  if (!oracle::kernelAvailable(why)) {
    std::printf("SKIPPED: %s\n", why.c_str());
    return ExitSkipped;
  }
  const KernelBtf kernelBtf(btf__load_vmlinux_btf(), &btf__free);
  if (!kernelBtf) {
    std::printf("SKIPPED: cannot read the kernel's BTF (/sys/kernel/btf/vmlinux)\n");
    return ExitSkipped;
  }
  const auto start = std::chrono::steady_clock::now();
  Object object;
  object.license = "GPL";

  std::vector<JudgedCase> cases;
  for (const Case &c : oracle::allCases()) {
    cases.push_back({c, oracle::whyNotJudged(object, c)});
    if (cases.back().notJudgedBecause)
      std::printf("ENVIRONMENT %s: not checkable here: %s\n", describe(c).c_str(),
                  cases.back().notJudgedBecause->c_str());
  }

  std::vector<KernelFunctionInBtf> present;
  for (const KernelFunctionRule &rule : allKernelFunctions()) {
    if (const std::optional<KernelFunctionInBtf> found = findInBtf(kernelBtf.get(), rule))
      present.push_back(*found);
    else
      std::printf("MISSING kfunc=%s: not a FUNC in this kernel's BTF\n",
                  std::string(rule.name).c_str());
  }
  const std::size_t missing = allKernelFunctions().size() - present.size();

  Tally availability, context;
  std::vector<CaseTally> caseTallies(cases.size());
  FlagChecks flags;
  flags.verbose = verbose;
  for (const KernelFunctionInBtf &kfunc : present) {
    const std::vector<Case> availableIn =
        checkAvailability(object, kfunc, cases, caseTallies, availability, verbose);
    checkFlags(object, kfunc, availableIn, flags);
  }
  checkContextTypes(object, kernelBtf.get(), cases, context);

  std::printf("\nper type (%zu kfuncs each):\n", present.size());
  unsigned environment = 0;
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const CaseTally &t = caseTallies[index];
    environment += t.environment;
    std::printf("  %-48s agree %3u  mismatch %3u  unexpected %2u  environment %3u"
                "  available: table %3u, kernel %3u\n",
                describe(cases[index].programCase).c_str(), t.agree, t.mismatch, t.unexpected,
                t.environment, t.tableAvailable, t.kernelAvailable);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nkfuncs: %zu rows, %zu in this kernel's BTF, %zu missing from it\n",
              allKernelFunctions().size(), present.size(), missing);
  std::printf("availability: %zu kfuncs x %zu type/attach cases = %zu cells; agreeing %u, "
              "failing %u, not judged (environment) %u\n",
              present.size(), cases.size(), present.size() * cases.size(), availability.passed,
              availability.failed, environment);
  std::printf("flags: %u checks (KfSleepable %u, KfAcquire %u, KfReturnsNull %u), agreeing %u, "
              "failing %u; %u checks skipped for want of a program type to run them in\n",
              flags.tally.passed + flags.tally.failed, flags.sleepable, flags.acquire,
              flags.returnsNull, flags.tally.passed, flags.tally.failed, flags.withoutSite);
  std::printf("context types: agreeing %u, failing %u; %.1f s\n", context.passed, context.failed,
              seconds);
  const unsigned passed = availability.passed + flags.tally.passed + context.passed;
  const unsigned failed = availability.failed + flags.tally.failed + context.failed;
  std::printf("%u passed, %u failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
