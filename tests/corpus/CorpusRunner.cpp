// The corpus runner. Two checks, each a ctest test:
//   bpfcheck-corpus frontend LIST  every corpus object loads through bpfcheck's frontend,
//                                  and its programs and their @expect lines match one to one;
//   bpfcheck-corpus kernel LIST    every program's stated verdict (and message fragment)
//                                  agrees with the running kernel's verifier, loading the
//                                  program bpfcheck's frontend produced.
//   bpfcheck-corpus verify LIST DIFFERENCES
//                                  bpfcheck's verdict on every program equals the stated
//                                  one, except the differences listed (with their reason) in
//                                  DIFFERENCES; a listed difference that no longer occurs
//                                  fails too, so that the list stays true.
// The closing line reads "N passed, M failed, K skipped". The kernel check exits 77
// (ctest: skipped) where bpf() is not permitted, saying so.
#include "CorpusAnnotations.h"

#include "../oracle/KernelOracle.h"

#include "bpfcheck/driver/ObjectVerification.h"
#include "bpfcheck/frontend/ObjectLoader.h"
#include "bpfcheck/smt/PathProver.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

using namespace bpfcheck;

namespace {

constexpr int ExitSkipped = 77;

struct Tally {
  unsigned passed = 0, failed = 0, skipped = 0;

  void pass(const std::string &what) {
    ++passed;
    std::printf("ok      %s\n", what.c_str());
  }
  void fail(const std::string &what, const std::string &why) {
    ++failed;
    std::printf("FAIL    %s: %s\n", what.c_str(), why.c_str());
  }
  void skip(const std::string &what, const std::string &why) {
    ++skipped;
    std::printf("skip    %s: %s\n", what.c_str(), why.c_str());
  }
  int finish() const {
    std::printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
    return failed == 0 ? 0 : 1;
  }
};

int checkFrontend(const std::vector<corpus::CorpusFile> &files) {
  Tally tally;
  for (const corpus::CorpusFile &file : files) {
    for (const std::string &problem : file.problems)
      tally.fail(file.source, problem);
    auto object = loadObjectFile(file.object, {});
    if (!object) {
      tally.fail(file.source, object.error().message);
      continue;
    }
    std::set<std::string> loaded;
    for (const Program &program : object->programs) {
      loaded.insert(program.name);
      const std::string what = file.source + ": " + program.name;
      if (!file.programs.count(program.name))
        tally.fail(what, "the program has no '// @expect " + program.name + "' line");
      else if (!program.malformed.empty())
        tally.fail(what, "malformed: " + program.malformed);
      else
        tally.pass(what + " (" + std::string(nameOf(program.type)) + ", " +
                   std::to_string(program.code.slotCount()) + " insns)");
    }
    for (const auto &[name, expectation] : file.programs)
      if (!loaded.count(name))
        tally.fail(file.source + ": " + name, "annotated but the frontend found no such program");
  }
  return tally.finish();
}

int checkKernel(const std::vector<corpus::CorpusFile> &files) {
  std::string why;
  if (!oracle::kernelAvailable(why)) {
    std::printf("SKIPPED: the kernel oracle is not available: %s\n", why.c_str());
    return ExitSkipped;
  }
  Tally tally;
  for (const corpus::CorpusFile &file : files) {
    auto object = loadObjectFile(file.object, {});
    if (!object) {
      tally.fail(file.source, object.error().message);
      continue;
    }
    for (const Program &program : object->programs) {
      const std::string what = file.source + ": " + program.name;
      const auto expectation = file.programs.find(program.name);
      if (expectation == file.programs.end()) {
        tally.fail(what, "no @expect line");
        continue;
      }
      const corpus::Expectation &expected = expectation->second;
      const oracle::KernelResult result = oracle::loadInKernel(*object, program);
      const std::string stated = expected.accept ? "accept" : "reject";
      if (result.verdict == oracle::KernelVerdict::Environment ||
          result.verdict == oracle::KernelVerdict::Unsupported) {
        if (!expected.environment)
          tally.fail(what, std::string("the kernel could not judge it (") + result.problem +
                               ") but the source has no @environment line");
        else
          tally.skip(what, "environment: " + *expected.environment + " [oracle: " + result.problem +
                               "]; stated verdict " + stated);
        continue;
      }
      if (expected.environment) {
        tally.fail(what, "marked @environment, but the kernel judged it (" +
                             std::string(oracle::nameOf(result.verdict)) + ")");
        continue;
      }
      const bool accepted = result.verdict == oracle::KernelVerdict::Accepted;
      if (accepted != expected.accept) {
        std::string lastLines =
            result.log.size() > 600 ? result.log.substr(result.log.size() - 600) : result.log;
        tally.fail(what, "stated " + stated + ", kernel says " + oracle::nameOf(result.verdict) +
                             "\n" + lastLines);
      } else if (!expected.accept &&
                 result.log.find(expected.messageFragment) == std::string::npos) {
        tally.fail(what,
                   "rejected, but the log lacks '" + expected.messageFragment + "'\n" +
                       result.log.substr(result.log.size() > 600 ? result.log.size() - 600 : 0));
      } else {
        tally.pass(what + " (" + stated + ", " + std::to_string(result.timeMicroseconds) + " us, " +
                   (result.processedInstructions
                        ? std::to_string(*result.processedInstructions) + " insns processed"
                        : std::string("no statistics")) +
                   ")");
      }
    }
  }
  return tally.finish();
}

/// A documented difference between bpfcheck's verdict and the stated one.
struct KnownDifference {
  std::string verdict; ///< bpfcheck's verdict: accept, reject or too_complex
  std::string reason;
  bool seen = false;
};

/// Reads `source-suffix TAB program TAB verdict TAB reason` lines ('#' starts a comment).
std::map<std::string, KnownDifference> readDifferences(const std::string &path) {
  std::map<std::string, KnownDifference> differences;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    std::string source, program, verdict, reason;
    std::getline(fields, source, '\t');
    std::getline(fields, program, '\t');
    std::getline(fields, verdict, '\t');
    std::getline(fields, reason);
    differences[source + ": " + program] = {verdict, reason, false};
  }
  return differences;
}

/// The difference listed for a program, matched by the end of its source path.
KnownDifference *findDifference(std::map<std::string, KnownDifference> &differences,
                                const std::string &source, const std::string &program) {
  for (auto &[key, difference] : differences) {
    const std::string suffix = key.substr(0, key.find(": "));
    if (key.substr(key.find(": ") + 2) == program && source.size() >= suffix.size() &&
        source.compare(source.size() - suffix.size(), suffix.size(), suffix) == 0)
      return &difference;
  }
  return nullptr;
}

int checkVerifier(const std::vector<corpus::CorpusFile> &files,
                  const std::string &differencesPath) {
  auto differences = readDifferences(differencesPath);
  Tally tally;
  // bpfcheck's verdict as the command line gives it: with Z3 behind the abstract domain.
  smt::PathProver prover;
  absint::VerifyOptions options;
  options.prover = &prover;
  for (const corpus::CorpusFile &file : files) {
    auto object = loadObjectFile(file.object, {});
    if (!object) {
      tally.fail(file.source, object.error().message);
      continue;
    }
    for (const driver::ProgramVerdict &verdict : driver::verifyObject(*object, options)) {
      const std::string &name = verdict.program->name;
      const std::string what = file.source + ": " + name;
      const auto expectation = file.programs.find(name);
      if (expectation == file.programs.end()) {
        tally.fail(what, "no @expect line");
        continue;
      }
      const std::string stated = expectation->second.accept ? "accept" : "reject";
      const std::string ours(absint::nameOf(verdict.result.verdict));
      const absint::Diagnostic *error = absint::rejection(verdict.result);
      const std::string message = error ? error->message : std::string();
      KnownDifference *known = findDifference(differences, file.source, name);
      // The kernel's "too large" rejections are what bpfcheck calls too complex.
      const std::string &fragment = expectation->second.messageFragment;
      const bool complexity = fragment.find("too large") != std::string::npos ||
                              fragment.find("too complex") != std::string::npos;
      if (ours == stated || (ours == "too_complex" && stated == "reject" && complexity)) {
        if (known)
          tally.fail(what, "listed as a difference (" + known->verdict +
                               "), but bpfcheck now agrees: remove the line");
        else
          tally.pass(what + " (" + ours + (message.empty() ? "" : ": " + message) + ")");
        if (known)
          known->seen = true;
        continue;
      }
      if (known && known->verdict == ours) {
        known->seen = true;
        tally.pass(what + " (documented difference: bpfcheck says " + ours + ", stated " + stated +
                   ": " + known->reason + ")");
        continue;
      }
      tally.fail(what, "stated " + stated + ", bpfcheck says " + ours +
                           (message.empty() ? "" : ": " + message));
    }
  }
  for (const auto &[key, difference] : differences)
    if (!difference.seen)
      tally.fail(key, "listed in " + differencesPath + " but no such program was verified");
  return tally.finish();
}

} // namespace

int main(int argc, char **argv) {
  const bool verifyMode = argc == 4 && std::strcmp(argv[1], "verify") == 0;
  if (!verifyMode && (argc != 3 || (std::strcmp(argv[1], "frontend") != 0 &&
                                    std::strcmp(argv[1], "kernel") != 0))) {
    std::fprintf(stderr, "usage: bpfcheck-corpus frontend|kernel CORPUS_LIST\n"
                         "       bpfcheck-corpus verify CORPUS_LIST DIFFERENCES\n");
    return 2;
  }
  const auto files = corpus::readCorpus(argv[2]);
  if (files.empty()) {
    std::fprintf(stderr, "bpfcheck-corpus: %s lists no corpus objects\n", argv[2]);
    return 2;
  }
  if (verifyMode)
    return checkVerifier(files, argv[3]);
  return std::strcmp(argv[1], "frontend") == 0 ? checkFrontend(files) : checkKernel(files);
}
