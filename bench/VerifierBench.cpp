// bpfcheck-bench: bpfcheck's verifier beside the running kernel's, program by program, and
// bpfcheck alone on generated programs of growing size.
//
//   bpfcheck-bench corpus CORPUS_LIST      every program of the corpus objects
//   bpfcheck-bench objects OBJECT...       every program of the objects (e.g. the selftests)
//   bpfcheck-bench scaling [MAX]           straight-line and branchy programs of 1k .. MAX
//                                          instructions (default 1M)
//   bpfcheck-bench loops [MAX]             a loop of 10 .. MAX iterations (default 10M),
//                                          unrolled as the kernel does, and summarised
//
// Per program: bpfcheck's time (as the command line verifies, with the prover), instructions
// processed, states kept and state memory, its time without the prover, and the prover's time
// and questions; the kernel's "verification time", instructions processed and states from its
// verifier log (BPF_LOG_STATS); and the ratio of the two times. The summary gives the median and
// the worst ratio over the programs both verified. Times are of this machine, in this run; nothing
// is asserted about them.

#include "../tests/oracle/KernelOracle.h"

#include "bpfcheck/driver/ObjectVerification.h"
#include "bpfcheck/frontend/BtfKernelTypes.h"
#include "bpfcheck/frontend/ObjectLoader.h"
#include "bpfcheck/ir/ControlFlow.h"
#include "bpfcheck/ir/Decoder.h"
#include "bpfcheck/smt/PathProver.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

using namespace bpfcheck;

namespace {

struct KernelStats {
  std::uint64_t verificationMicroseconds = 0;
  std::uint64_t processed = 0;
  std::uint64_t totalStates = 0;
  std::uint64_t peakStates = 0;
};

/// The statistics lines of a verifier log (BPF_LOG_STATS).
std::optional<KernelStats> kernelStats(const std::string &log) {
  static const std::regex time(R"(verification time (\d+) usec)");
  static const std::regex processed(
      R"(processed (\d+) insns \(limit \d+\) max_states_per_insn \d+ total_states (\d+) peak_states (\d+))");
  std::smatch match;
  KernelStats stats;
  if (!std::regex_search(log, match, time))
    return std::nullopt;
  stats.verificationMicroseconds = std::stoull(match[1]);
  if (std::regex_search(log, match, processed)) {
    stats.processed = std::stoull(match[1]);
    stats.totalStates = std::stoull(match[2]);
    stats.peakStates = std::stoull(match[3]);
  }
  return stats;
}

std::uint64_t peakRssKilobytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss);
}

struct Row {
  std::string name;
  double ratio = 0;
};

void printHeader() {
  std::printf("%-44s %7s %10s %10s %8s %9s %10s %8s %5s | %10s %10s %8s %7s\n", "program", "insns",
              "ours(us)", "processed", "states", "state_kb", "no-smt(us)", "smt(us)", "smt_q",
              "kernel(us)", "processed", "states", "ratio");
}

void summarize(std::vector<Row> &rows, unsigned total, unsigned kernelMissing) {
  std::printf("\n%u programs; %zu verified by both", total, rows.size());
  if (kernelMissing)
    std::printf(" (%u without a kernel verification time: not loadable here)", kernelMissing);
  std::printf("\n");
  if (rows.empty())
    return;
  std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) { return a.ratio < b.ratio; });
  const double median = rows.size() % 2
                            ? rows[rows.size() / 2].ratio
                            : (rows[rows.size() / 2 - 1].ratio + rows[rows.size() / 2].ratio) / 2;
  std::printf("time ratio bpfcheck / kernel: median %.2f, best %.2f (%s), worst %.2f (%s)\n",
              median, rows.front().ratio, rows.front().name.c_str(), rows.back().ratio,
              rows.back().name.c_str());
}

int benchObjects(const std::vector<std::string> &paths) {
  std::string why;
  const bool kernel = oracle::kernelAvailable(why);
  if (!kernel)
    std::printf("note: the kernel is not available (%s); bpfcheck's figures only\n", why.c_str());
  BtfKernelTypes kernelTypes;
  // As the command line verifies (with the prover), and without it: what tracking paths for
  // the prover costs where it is never asked, and Z3's own time where it is.
  smt::PathProver prover;
  absint::VerifyOptions options;
  options.prover = &prover;
  absint::VerifyOptions abstractOnly;
  std::vector<Row> rows;
  unsigned total = 0, kernelMissing = 0;
  // Programs that asked the prover nothing: time with path tracking, and without.
  std::uint64_t trackedTime = 0, untrackedTime = 0, questions = 0, proverTime = 0;
  unsigned unasked = 0;
  printHeader();
  for (const std::string &path : paths) {
    auto object = loadObjectFile(path, {});
    if (!object) {
      std::printf("%s: %s\n", path.c_str(), object.error().message.c_str());
      continue;
    }
    const std::string file = path.substr(path.rfind('/') + 1);
    for (const Program &program : object->programs) {
      ++total;
      // Each configuration twice, alternating, keeping the faster: whichever runs first in
      // the process pays for growing the heap, which is not what is compared.
      auto timeOf = [&](const absint::VerifyOptions &with) {
        return driver::verifyObject(*object, with, program.name, &kernelTypes).front().result;
      };
      std::uint64_t withoutProver = timeOf(abstractOnly).stats.timeMicroseconds;
      absint::VerifyResult result = timeOf(options);
      withoutProver = std::min(withoutProver, timeOf(abstractOnly).stats.timeMicroseconds);
      if (absint::VerifyResult again = timeOf(options);
          again.stats.timeMicroseconds < result.stats.timeMicroseconds)
        result = std::move(again);
      const absint::VerifyStats &ours = result.stats;
      std::optional<KernelStats> theirs;
      if (kernel)
        theirs = kernelStats(oracle::loadInKernel(*object, program).log);
      questions += ours.obligationsAsked;
      proverTime += ours.proverMicroseconds;
      if (ours.obligationsAsked == 0) {
        ++unasked;
        trackedTime += ours.timeMicroseconds;
        untrackedTime += withoutProver;
      }
      const std::string name = file + ":" + program.name;
      std::printf("%-44s %7u %10llu %10llu %8llu %9llu %10llu %8llu %5u | ",
                  name.substr(0, 44).c_str(), ours.instructions,
                  static_cast<unsigned long long>(ours.timeMicroseconds),
                  static_cast<unsigned long long>(ours.instructionsProcessed),
                  static_cast<unsigned long long>(ours.states),
                  static_cast<unsigned long long>(ours.peakStateBytes / 1024),
                  static_cast<unsigned long long>(withoutProver),
                  static_cast<unsigned long long>(ours.proverMicroseconds), ours.obligationsAsked);
      if (!theirs) {
        ++kernelMissing;
        std::printf("%10s %10s %8s %7s\n", "-", "-", "-", "-");
        continue;
      }
      // The kernel reports whole microseconds; a 0 is counted as 1.
      const double ratio = double(std::max<std::uint64_t>(ours.timeMicroseconds, 1)) /
                           double(std::max<std::uint64_t>(theirs->verificationMicroseconds, 1));
      std::printf("%10llu %10llu %8llu %7.2f\n",
                  static_cast<unsigned long long>(theirs->verificationMicroseconds),
                  static_cast<unsigned long long>(theirs->processed),
                  static_cast<unsigned long long>(theirs->totalStates), ratio);
      rows.push_back({name, ratio});
    }
  }
  summarize(rows, total, kernelMissing);
  std::printf("prover: %llu questions, %.1f ms of Z3; on the %u programs that asked nothing, "
              "tracking paths for it took %.2f times the abstract domain's time alone\n",
              static_cast<unsigned long long>(questions), double(proverTime) / 1000, unasked,
              double(std::max<std::uint64_t>(trackedTime, 1)) /
                  double(std::max<std::uint64_t>(untrackedTime, 1)));
  return 0;
}

// --- Generated programs ---------------------------------------------------------------------

/// A socket filter of about `size` instructions: ALU work and stack traffic, straight-line or
/// with a two-way branch every few instructions (a diamond, so states merge again).
std::vector<encoding::RawInstruction> generate(std::uint32_t size, bool branchy) {
  using encoding::RawInstruction;
  std::vector<RawInstruction> code;
  code.push_back(RawInstruction::make(0xb7, 0, 0, 0, 0)); // r0 = 0
  code.push_back(RawInstruction::make(0x61, 2, 1, 0, 0)); // r2 = *(u32 *)(r1 + 0)
  std::uint32_t step = 0;
  while (code.size() + 6 < size) {
    ++step;
    if (branchy && step % 4 == 0) {
      code.push_back(RawInstruction::make(
          0x25, 2, 0, 2, static_cast<std::int32_t>(step % 97))); // if r2 > k goto +2
      code.push_back(RawInstruction::make(0x07, 0, 0, 0, 1));    // r0 += 1
      code.push_back(RawInstruction::make(0x05, 0, 0, 1, 0));    // goto +1
      code.push_back(RawInstruction::make(0x07, 0, 0, 0, 2));    // r0 += 2
      continue;
    }
    code.push_back(RawInstruction::make(0xbf, 3, 2, 0, 0));    // r3 = r2
    code.push_back(RawInstruction::make(0x57, 3, 0, 0, 0xff)); // r3 &= 0xff
    code.push_back(RawInstruction::make(0x0f, 0, 3, 0, 0));    // r0 += r3
    code.push_back(RawInstruction::make(0x7b, 10, 0, static_cast<std::int16_t>(-8 * (1 + step % 8)),
                                        0)); // spill r0
  }
  code.push_back(RawInstruction::make(0xb7, 0, 0, 0, 0)); // r0 = 0
  code.push_back(RawInstruction::make(0x95, 0, 0, 0, 0)); // exit
  return code;
}

/// One generated program through the verifier with `options`.
std::optional<absint::VerifyResult> verifyGenerated(std::vector<encoding::RawInstruction> slots,
                                                    const absint::VerifyOptions &options) {
  auto decoded = decodeProgram(slots);
  if (!decoded) {
    std::printf("generated program does not decode: %s\n", decoded.error().message.c_str());
    return std::nullopt;
  }
  auto code = buildProgramCode(std::move(*decoded), {});
  if (!code) {
    std::printf("generated program has no CFG: %s\n", code.error().message.c_str());
    return std::nullopt;
  }
  absint::ProgramInput input;
  input.name = "generated";
  input.code = &*code;
  input.type = ProgramType::SocketFilter;
  input.gplCompatible = true;
  return absint::verify(input, options);
}

int benchScaling(std::uint32_t maximum) {
  std::printf("%-12s %9s %12s %12s %10s %12s %12s\n", "shape", "insns", "time(us)", "processed",
              "states", "state_kb", "peak_rss_kb");
  for (bool branchy : {false, true})
    for (std::uint32_t size = 1000; size <= maximum; size *= 10) {
      auto slots = generate(size, branchy);
      absint::VerifyOptions options;
      options.budgets.instructionsProcessed = 4'000'000;
      const auto verified = verifyGenerated(slots, options);
      if (!verified)
        return 1;
      const absint::VerifyResult &result = *verified;
      std::printf("%-12s %9zu %12llu %12llu %10llu %12llu %12llu  %s\n",
                  branchy ? "branchy" : "straight", slots.size(),
                  static_cast<unsigned long long>(result.stats.timeMicroseconds),
                  static_cast<unsigned long long>(result.stats.instructionsProcessed),
                  static_cast<unsigned long long>(result.stats.states),
                  static_cast<unsigned long long>(result.stats.peakStateBytes / 1024),
                  static_cast<unsigned long long>(peakRssKilobytes()),
                  std::string(absint::nameOf(result.verdict)).c_str());
    }
  return 0;
}

/// A socket filter whose loop runs `iterations` times (a counter compared with a constant),
/// with a branch in its body.
std::vector<encoding::RawInstruction> generateLoop(std::uint32_t iterations) {
  using encoding::RawInstruction;
  return {
      RawInstruction::make(0xb7, 0, 0, 0, 0),    // r0 = 0
      RawInstruction::make(0x61, 2, 1, 0, 0),    // r2 = *(u32 *)(r1 + 0)
      RawInstruction::make(0xb7, 1, 0, 0, 0),    // r1 = 0
      RawInstruction::make(0xbf, 3, 2, 0, 0),    // loop: r3 = r2
      RawInstruction::make(0x57, 3, 0, 0, 0xff), // r3 &= 0xff
      RawInstruction::make(0x0f, 0, 3, 0, 0),    // r0 += r3
      RawInstruction::make(0x25, 2, 0, 1, 7),    // if r2 > 7 goto +1
      RawInstruction::make(0x07, 0, 0, 0, 1),    // r0 += 1
      RawInstruction::make(0x07, 1, 0, 0, 1),    // r1 += 1
      RawInstruction::make(0xa5, 1, 0, -7, static_cast<std::int32_t>(iterations)), // if r1 < N
      RawInstruction::make(0xb7, 0, 0, 0, 0),                                      // r0 = 0
      RawInstruction::make(0x95, 0, 0, 0, 0),                                      // exit
  };
}

/// Loops of 10 .. `maximum` iterations, unrolled (as the kernel does, with its budget) and
/// summarised: time, instructions processed and verdict of each, and the time ratio.
int benchLoops(std::uint32_t maximum) {
  std::printf("%10s  %-11s %10s %10s  %-11s %10s %10s %9s\n", "iterations", "unrolled", "time(us)",
              "processed", "summarised", "time(us)", "processed", "ratio");
  for (std::uint64_t iterations = 10; iterations <= maximum; iterations *= 10) {
    absint::VerifyOptions options;
    options.loops = absint::LoopMode::Unroll;
    const auto unrolled =
        verifyGenerated(generateLoop(static_cast<std::uint32_t>(iterations)), options);
    options.loops = absint::LoopMode::Summarize;
    const auto summarized =
        verifyGenerated(generateLoop(static_cast<std::uint32_t>(iterations)), options);
    if (!unrolled || !summarized)
      return 1;
    for (const auto *result : {&*unrolled, &*summarized})
      if (result->verdict == absint::Verdict::Reject && !result->diagnostics.empty())
        std::printf("  (%s)\n", result->diagnostics.back().message.c_str());
    std::printf(
        "%10llu  %-11s %10llu %10llu  %-11s %10llu %10llu %9.3f\n",
        static_cast<unsigned long long>(iterations),
        std::string(absint::nameOf(unrolled->verdict)).c_str(),
        static_cast<unsigned long long>(unrolled->stats.timeMicroseconds),
        static_cast<unsigned long long>(unrolled->stats.instructionsProcessed),
        std::string(absint::nameOf(summarized->verdict)).c_str(),
        static_cast<unsigned long long>(summarized->stats.timeMicroseconds),
        static_cast<unsigned long long>(summarized->stats.instructionsProcessed),
        static_cast<double>(std::max<std::uint64_t>(summarized->stats.timeMicroseconds, 1)) /
            static_cast<double>(std::max<std::uint64_t>(unrolled->stats.timeMicroseconds, 1)));
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc >= 3 && std::strcmp(argv[1], "corpus") == 0) {
    std::vector<std::string> paths;
    std::ifstream list(argv[2]);
    std::string line;
    while (std::getline(list, line))
      if (auto tab = line.find('\t'); tab != std::string::npos)
        paths.push_back(line.substr(0, tab));
    return benchObjects(paths);
  }
  if (argc >= 3 && std::strcmp(argv[1], "objects") == 0)
    return benchObjects(std::vector<std::string>(argv + 2, argv + argc));
  if (argc >= 2 && std::strcmp(argv[1], "scaling") == 0)
    return benchScaling(argc >= 3 ? static_cast<std::uint32_t>(std::stoul(argv[2])) : 1'000'000);
  if (argc >= 2 && std::strcmp(argv[1], "loops") == 0)
    return benchLoops(argc >= 3 ? static_cast<std::uint32_t>(std::stoul(argv[2])) : 10'000'000);
  std::fprintf(stderr, "usage: bpfcheck-bench corpus CORPUS_LIST | objects OBJECT... | "
                       "scaling [MAX] | loops [MAX]\n");
  return 2;
}
