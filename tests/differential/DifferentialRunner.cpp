// The differential test: random programs (RandomPrograms.h) judged by bpfcheck and by the
// running kernel's verifier.
//   bpfcheck-differential [--count N] [--seed S] [--only INDEX] [--verbose]
//                         [--loops unroll|summarize|auto]
// (--only judges just the program of that index, to reproduce one; --verbose prints every
// program with the kernel's whole log and bpfcheck's abstract state before each instruction,
// which for a rejected program covers only what bpfcheck explored before it stopped; --loops
// sets VerifyOptions::loops, auto by default.)
// Each disagreement is printed with the program: bpfcheck accepting what the kernel rejects
// is a possible false acceptance (the worst bug), bpfcheck rejecting what the kernel accepts
// a precision gap. Two kinds of verdict are not disagreements:
// - a summary refusal: with --loops summarize, bpfcheck rejecting what the kernel accepts
//   (summaries may lose precision, never safety);
// - proven beyond the kernel's budget: the kernel gives up on the program's size ("BPF
//   program is too large", or "The sequence of N jumps is too complex"), and bpfcheck accepts
//   it by proving its loops end: with --loops summarize, or with auto when its result carries
//   the warning that the loops were summarised. (With unroll, and with auto without that
//   warning, such an acceptance stays a false acceptance, as before.)
// The summary reads "N programs (L with loops): A agree (X accepted, Y rejected), F bpfcheck
// accepts what the kernel rejects, P bpfcheck rejects what the kernel accepts, R summary
// refusals, B proven beyond the kernel's budget", followed by the rules behind each kind of
// verdict. Exit status: 1 when F > 0 (or the generator wrote a malformed program), 0
// otherwise, 77 (ctest: skipped) where bpf() is not permitted, 2 for bad usage.
#include "RandomPrograms.h"

#include "../oracle/KernelOracle.h"

#include "bpfcheck/driver/ObjectVerification.h"
#include "bpfcheck/ir/ControlFlow.h"
#include "bpfcheck/ir/Decoder.h"
#include "bpfcheck/ir/Printer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace bpfcheck;

namespace {

constexpr int ExitSkipped = 77;
constexpr std::size_t LogTailLines = 12;

struct Options {
  std::uint64_t count = 300;
  std::uint64_t seed = 1;
  std::optional<std::uint64_t> only;
  bool verbose = false;
  absint::LoopMode loops = absint::LoopMode::Auto;
};

std::optional<std::uint64_t> parseNumber(const char *text) {
  char *end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 0);
  if (end == text || *end != '\0')
    return std::nullopt;
  return value;
}

std::optional<Options> parseOptions(int argc, char **argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const bool hasValue = i + 1 < argc;
    if (std::strcmp(argv[i], "--verbose") == 0) {
      options.verbose = true;
    } else if (std::strcmp(argv[i], "--count") == 0 && hasValue) {
      const auto count = parseNumber(argv[++i]);
      if (!count)
        return std::nullopt;
      options.count = *count;
    } else if (std::strcmp(argv[i], "--seed") == 0 && hasValue) {
      const auto seed = parseNumber(argv[++i]);
      if (!seed)
        return std::nullopt;
      options.seed = *seed;
    } else if (std::strcmp(argv[i], "--loops") == 0 && hasValue) {
      const auto loops = absint::loopModeNamed(argv[++i]);
      if (!loops)
        return std::nullopt;
      options.loops = *loops;
    } else if (std::strcmp(argv[i], "--only") == 0 && hasValue) {
      options.only = parseNumber(argv[++i]);
      if (!options.only)
        return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return options;
}

/// The frontend's view of a generated program: an object with the map at index 0 and the
/// program decoded into the IR, as if it had been read from an ELF file.
Expected<Object> buildObject(const differential::GeneratedProgram &generated, std::uint64_t index) {
  Object object;
  object.path = "random-" + std::to_string(index);
  object.license = "GPL";
  MapDefinition map;
  map.name = "values";
  map.section = ".maps";
  map.type = static_cast<std::uint32_t>(generated.map.type);
  map.keySize = generated.map.keySize;
  map.valueSize = generated.map.valueSize;
  map.maxEntries = generated.map.maxEntries;
  object.maps.push_back(map);

  Program program;
  program.name = "random_" + std::to_string(index);
  program.section = generated.section;
  program.type = generated.type;
  program.slots = generated.slots;
  auto decoded = decodeProgram(program.slots);
  if (!decoded)
    return decoded.takeError();
  auto code = buildProgramCode(std::move(*decoded), {});
  if (!code)
    return code.takeError();
  program.code = std::move(*code);
  if (generated.usesMap)
    program.mapsUsed = {0};
  object.programs.push_back(std::move(program));
  return object;
}

/// The program's type, map, the generator's risky choices and its listing; with
/// `invariants`, bpfcheck's registers before each instruction.
std::string describe(const differential::GeneratedProgram &generated, const Program &program,
                     const std::vector<std::vector<std::string>> &invariants = {}) {
  std::string text = "  " + std::string(nameOf(generated.type)) + ", " +
                     std::to_string(program.code.slotCount()) + " insns";
  if (generated.usesMap)
    text += ", " + std::string(nameOf(generated.map.type)) + " map (key " +
            std::to_string(generated.map.keySize) + ", value " +
            std::to_string(generated.map.valueSize) + ", " +
            std::to_string(generated.map.maxEntries) + " entries)";
  text += "\n";
  if (!generated.choices.empty()) {
    text += "  choices:";
    for (const std::string &choice : generated.choices)
      text += " [" + choice + "]";
    text += "\n";
  }
  for (std::size_t i = 0; i < program.code.instructions.size(); ++i) {
    if (i < invariants.size()) {
      std::string state;
      for (const std::string &reg : invariants[i])
        state += (state.empty() ? "" : " ") + reg;
      text += "         ; " + (state.empty() ? std::string("unreachable") : state) + "\n";
    }
    const PlacedInstruction &placed = program.code.instructions[i];
    char pc[16];
    std::snprintf(pc, sizeof pc, "%5u: ", placed.pc);
    text += "  " + std::string(pc) + printInstruction(placed.insn) + "\n";
  }
  return text;
}

std::vector<std::string> linesOf(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty())
      lines.push_back(line);
  return lines;
}

/// Statistics, and the states the kernel prints after "infinite loop detected at insn N".
bool isStatisticsLine(const std::string &line) {
  for (const char *prefix : {"processed ", "verification time", "stack depth", "max_states",
                             "mark_read", "peak_states", "cur state:", "old state:"})
    if (line.rfind(prefix, 0) == 0)
      return true;
  return false;
}

/// Why the kernel rejected: the last line of its log before the statistics.
std::string kernelReason(const std::string &log) {
  const std::vector<std::string> lines = linesOf(log);
  for (auto line = lines.rbegin(); line != lines.rend(); ++line)
    if (!isStatisticsLine(*line))
      return *line;
  return "(empty log)";
}

/// Whether the kernel gave up on the program's size rather than finding it unsafe: its
/// instruction budget (BPF_COMPLEXITY_LIMIT_INSNS) or its pending-branch budget
/// (BPF_COMPLEXITY_LIMIT_JMP_SEQ).
bool isBudgetReason(const std::string &reason) {
  return reason.rfind("BPF program is too large", 0) == 0 ||
         (reason.rfind("The sequence of ", 0) == 0 &&
          reason.find(" jumps is too complex") != std::string::npos);
}

/// Whether bpfcheck accepted by summarising loops (in auto mode: only after walking them
/// ran out of budget), which the kernel does not do.
bool acceptedBySummary(const absint::VerifyResult &result) {
  return result.verdict == absint::Verdict::Accept && result.stats.loopsSummarized > 0;
}

std::string logTail(const std::string &log, std::size_t count = LogTailLines) {
  const std::vector<std::string> lines = linesOf(log);
  std::string tail;
  const std::size_t first = lines.size() > count ? lines.size() - count : 0;
  for (std::size_t i = first; i < lines.size(); ++i)
    tail += "    | " + lines[i] + "\n";
  return tail;
}

/// A message with its numbers replaced by N, so that messages of one kind count together.
std::string withoutNumbers(const std::string &message) {
  std::string text;
  for (std::size_t i = 0; i < message.size();) {
    if (std::isdigit(static_cast<unsigned char>(message[i]))) {
      const bool hexadecimal = message.compare(i, 2, "0x") == 0;
      i += hexadecimal ? 2 : 0;
      while (i < message.size() &&
             (hexadecimal ? std::isxdigit(static_cast<unsigned char>(message[i]))
                          : std::isdigit(static_cast<unsigned char>(message[i]))))
        ++i;
      text += 'N';
    } else {
      text += message[i++];
    }
  }
  return text;
}

/// bpfcheck's reason for a rejection: its first error diagnostic.
const absint::Diagnostic *firstError(const absint::VerifyResult &result) {
  for (const absint::Diagnostic &diagnostic : result.diagnostics)
    if (diagnostic.severity == absint::Severity::Error)
      return &diagnostic;
  return result.diagnostics.empty() ? nullptr : &result.diagnostics.front();
}

std::string ruleOf(const absint::VerifyResult &result) {
  const absint::Diagnostic *diagnostic = firstError(result);
  return diagnostic ? std::string(absint::identifierOf(diagnostic->rule))
                    : std::string(absint::nameOf(result.verdict));
}

std::string explain(const absint::VerifyResult &result) {
  const absint::Diagnostic *diagnostic = firstError(result);
  if (!diagnostic)
    return std::string(absint::nameOf(result.verdict)) + " (no diagnostic)";
  std::string text = "[" + std::string(absint::identifierOf(diagnostic->rule)) + "]";
  if (diagnostic->insn)
    text += " insn " + std::to_string(*diagnostic->insn);
  if (!diagnostic->insnText.empty())
    text += " `" + diagnostic->insnText + "`";
  text += ": " + diagnostic->message;
  for (const std::string &reg : diagnostic->registers)
    text += "\n    " + reg;
  return text;
}

struct Tally {
  std::uint64_t programs = 0, withLoops = 0, agreedAccept = 0, agreedReject = 0;
  std::uint64_t falseAcceptances = 0, precisionGaps = 0, unjudged = 0, malformed = 0;
  std::uint64_t summaryRefusals = 0, provenBeyondBudget = 0;
  absint::LoopMode mode = absint::LoopMode::Auto;
  std::map<std::string, unsigned> gapRules;             ///< bpfcheck's rule, per precision gap
  std::map<std::string, unsigned> refusalRules;         ///< bpfcheck's rule, per summary refusal
  std::map<std::string, unsigned> falseAcceptReasons;   ///< the kernel's reason, per acceptance
  std::map<std::string, unsigned> agreedRejectionRules; ///< "rule <- kernel reason"

  void printHistogram(const char *title, const std::map<std::string, unsigned> &counts) const {
    if (counts.empty())
      return;
    std::printf("%s\n", title);
    std::vector<std::pair<unsigned, std::string>> sorted;
    for (const auto &[key, count] : counts)
      sorted.emplace_back(count, key);
    std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto &[count, key] : sorted)
      std::printf("  %5u  %s\n", count, key.c_str());
  }

  int finish() const {
    std::printf("--loops %s: %llu programs (%llu with loops): %llu agree (%llu accepted, %llu "
                "rejected), %llu bpfcheck accepts what the kernel rejects, %llu bpfcheck rejects "
                "what the kernel accepts, %llu summary refusals, %llu proven beyond the kernel's "
                "budget",
                std::string(nameOf(mode)).c_str(), static_cast<unsigned long long>(programs),
                static_cast<unsigned long long>(withLoops),
                static_cast<unsigned long long>(agreedAccept + agreedReject),
                static_cast<unsigned long long>(agreedAccept),
                static_cast<unsigned long long>(agreedReject),
                static_cast<unsigned long long>(falseAcceptances),
                static_cast<unsigned long long>(precisionGaps),
                static_cast<unsigned long long>(summaryRefusals),
                static_cast<unsigned long long>(provenBeyondBudget));
    if (unjudged != 0)
      std::printf(", %llu not judged by the kernel", static_cast<unsigned long long>(unjudged));
    if (malformed != 0)
      std::printf(", %llu malformed (a generator bug)", static_cast<unsigned long long>(malformed));
    std::printf("\n");
    printHistogram("bpfcheck rules where bpfcheck rejects what the kernel accepts:", gapRules);
    printHistogram("bpfcheck rules of the summary refusals:", refusalRules);
    printHistogram("kernel reasons where bpfcheck accepts what the kernel rejects:",
                   falseAcceptReasons);
    printHistogram("agreed rejections (bpfcheck rule <- kernel reason):", agreedRejectionRules);
    return falseAcceptances == 0 && malformed == 0 ? 0 : 1;
  }
};

void judge(const differential::GeneratedProgram &generated, std::uint64_t index,
           const Options &options, Tally &tally) {
  ++tally.programs;
  if (generated.loops != 0)
    ++tally.withLoops;
  auto object = buildObject(generated, index);
  if (!object) {
    ++tally.malformed;
    std::printf("MALFORMED random_%llu: %s\n", static_cast<unsigned long long>(index),
                object.error().message.c_str());
    return;
  }
  const Program &program = object->programs.front();
  const oracle::KernelResult kernel = oracle::loadInKernel(*object, program);
  if (kernel.verdict == oracle::KernelVerdict::Environment ||
      kernel.verdict == oracle::KernelVerdict::Unsupported) {
    ++tally.unjudged;
    std::printf("UNJUDGED %s: %s\n", program.name.c_str(), kernel.problem.c_str());
    return;
  }
  absint::VerifyOptions verifyOptions;
  verifyOptions.recordInvariants = options.verbose;
  verifyOptions.loops = options.loops;
  const absint::VerifyResult ours = driver::verifyObject(*object, verifyOptions).front().result;
  const bool weAccept = ours.verdict == absint::Verdict::Accept;
  const bool kernelAccepts = kernel.verdict == oracle::KernelVerdict::Accepted;
  const std::string reason = kernelAccepts ? std::string() : kernelReason(kernel.log);
  const bool summaryMode = options.loops == absint::LoopMode::Summarize;
  const bool provenEnd =
      summaryMode || (options.loops == absint::LoopMode::Auto && acceptedBySummary(ours));
  if (weAccept && !kernelAccepts && isBudgetReason(reason) && provenEnd) {
    ++tally.provenBeyondBudget;
    if (options.verbose)
      std::printf("beyond   %s: the kernel gives up (%s), bpfcheck proves the loops end\n%s",
                  program.name.c_str(), reason.c_str(),
                  describe(generated, program, ours.invariants).c_str());
  } else if (!weAccept && kernelAccepts && summaryMode) {
    ++tally.summaryRefusals;
    ++tally.refusalRules[ruleOf(ours)];
    if (options.verbose)
      std::printf("refusal  %s: the kernel accepts, the summary says %s: %s\n%s",
                  program.name.c_str(), std::string(absint::nameOf(ours.verdict)).c_str(),
                  explain(ours).c_str(), describe(generated, program, ours.invariants).c_str());
  } else if (weAccept && !kernelAccepts) {
    ++tally.falseAcceptances;
    ++tally.falseAcceptReasons[withoutNumbers(reason)];
    std::printf("FALSE ACCEPTANCE %s (--seed %llu --only %llu --loops %s): bpfcheck accepts, the "
                "kernel rejects: %s\n%s  kernel log (tail):\n%s",
                program.name.c_str(), static_cast<unsigned long long>(options.seed),
                static_cast<unsigned long long>(index), std::string(nameOf(options.loops)).c_str(),
                reason.c_str(), describe(generated, program, ours.invariants).c_str(),
                logTail(kernel.log).c_str());
  } else if (!weAccept && kernelAccepts) {
    ++tally.precisionGaps;
    ++tally.gapRules[ruleOf(ours)];
    std::printf("PRECISION GAP %s (--seed %llu --only %llu --loops %s): the kernel accepts, "
                "bpfcheck says %s: %s\n%s",
                program.name.c_str(), static_cast<unsigned long long>(options.seed),
                static_cast<unsigned long long>(index), std::string(nameOf(options.loops)).c_str(),
                std::string(absint::nameOf(ours.verdict)).c_str(), explain(ours).c_str(),
                describe(generated, program, ours.invariants).c_str());
  } else if (weAccept) {
    ++tally.agreedAccept;
    if (options.verbose)
      std::printf("agree    %s: both accept\n%s", program.name.c_str(),
                  describe(generated, program, ours.invariants).c_str());
  } else {
    ++tally.agreedReject;
    ++tally.agreedRejectionRules[ruleOf(ours) + " <- " + withoutNumbers(reason)];
    if (options.verbose)
      std::printf("agree    %s: both reject; kernel: %s; bpfcheck: %s\n%s", program.name.c_str(),
                  reason.c_str(), explain(ours).c_str(),
                  describe(generated, program, ours.invariants).c_str());
  }
  if (options.verbose)
    std::printf("  kernel log:\n%s", logTail(kernel.log, std::size_t(-1)).c_str());
}

} // namespace

int main(int argc, char **argv) {
  const auto options = parseOptions(argc, argv);
  if (!options) {
    std::fprintf(stderr, "usage: bpfcheck-differential [--count N] [--seed S] [--only INDEX] "
                         "[--verbose] [--loops unroll|summarize|auto]\n");
    return 2;
  }
  std::string why;
  if (!oracle::kernelAvailable(why)) {
    std::printf("SKIPPED: the kernel oracle is not available: %s\n", why.c_str());
    return ExitSkipped;
  }
  const differential::RandomProgramGenerator generator(options->seed);
  Tally tally;
  tally.mode = options->loops;
  const std::uint64_t first = options->only.value_or(0);
  const std::uint64_t end = options->only ? first + 1 : options->count;
  for (std::uint64_t index = first; index < end; ++index) {
    judge(generator.generate(index), index, *options, tally);
    std::fflush(stdout);
  }
  return tally.finish();
}
