// bpfcheck-selftest-verdicts: bpfcheck's verdicts on the Linux kernel's own verifier
// selftests (progs/verifier_*.c of linux-source-6.12, compiled by scripts/selftests.sh),
// compared with the verdicts the tests expect of a privileged load.
//
//   bpfcheck-selftest-verdicts EXPECTATIONS OBJECT_DIR [--btf-dir DIR] [--verdicts TSV]
//                              [--show-disagreements] [--kernel] [--unprivileged]
//                              [--loops auto|unroll|summarize]
//
// EXPECTATIONS is the expectations.tsv bpfcheck-selftests wrote. For every test expected to
// load privileged (priv_verdict success or failure), the object is loaded and the program
// verified; the report gives, per source file, the tests, the agreements, and the two kinds
// of disagreement: bpfcheck accepts what the test expects to fail (the kind that matters
// for safety) and bpfcheck rejects what should load. With --unprivileged, the tests' verdicts
// for an unprivileged load (unpriv_verdict) are compared with bpfcheck's unprivileged rules
// instead (and --kernel is not available: the oracle loads with root's capabilities). Files about
// features bpfcheck does not model yet (kfuncs, arenas, dynptrs, ...) are reported apart, as out of
// scope. With
// --kernel, every disagreement is also loaded into the running kernel (the tests' stated
// verdicts are those of Linux 6.12; the running kernel decides): a disagreement the running
// kernel sides with bpfcheck on is counted apart.
// Tests whose programs call kfuncs the running kernel lacks (bpf_testmod's) are counted apart
// too (no-module): nothing here can check them. Exit status 0 (the numbers are a
// measurement, not a pass/fail test), 2 on bad input.
//
// A test with a btf_path (`__btf_path("btf__X.bpf.o")`) has its CO-RE relocations resolved
// against that object's BTF, as test_loader.c does (libbpf's btf_custom_path), instead of
// the running kernel's: its object is loaded once per distinct target, with the BTF carrier
// found in --btf-dir (default OBJECT_DIR/btf, where scripts/selftests.sh compiles them; an
// absolute btf_path is taken as it is). The kernel oracle loads that relocated program too.
// Unlike libbpf's btf_custom_path, which only replaces the target of CO-RE relocations,
// the frontend's target BTF also serves kfunc calls; the tests that name a BTF call none.

#include "../oracle/KernelOracle.h"

#include "bpfcheck/driver/ObjectVerification.h"
#include "bpfcheck/frontend/BtfKernelTypes.h"
#include "bpfcheck/frontend/ObjectLoader.h"
#include "bpfcheck/smt/PathProver.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace bpfcheck;

namespace {

struct ExpectedTest {
  std::string file;
  std::string program;
  bool expectSuccess = true;
  std::string messages; ///< the JSON array of expected log fragments
  std::string btfPath;  ///< `__btf_path(...)`: the target BTF of its CO-RE relocations
};

std::vector<std::string> splitTabs(const std::string &line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t'))
    fields.push_back(field);
  return fields;
}

/// Source files whose subject bpfcheck does not model yet, by a word of their name.
bool outOfScope(const std::string &file) {
  for (const char *subject : {"kfunc", "arena", "dynptr", "bits_iter", "rbtree", "list", "cpumask"})
    if (file.find(subject) != std::string::npos)
      return true;
  return false;
}

struct FileTally {
  unsigned tests = 0, agree = 0, falseAccept = 0, falseReject = 0, tooComplex = 0;
  /// Agreements on an expected failure where bpfcheck refused the program as unsupported:
  /// the verdicts match, but not because bpfcheck found what the test is about.
  unsigned agreeUnsupported = 0;
  unsigned kernelSidesWithUs = 0; ///< disagreements where the running kernel agrees with us
  /// Tests whose program calls a kfunc the running kernel lacks (those of bpf_testmod, the
  /// selftests' module): neither bpfcheck nor the kernel can check them here, so they are
  /// counted apart, neither agreeing nor disagreeing.
  unsigned needsModule = 0;
};

/// Whether the frontend refused the program because a kfunc it calls is not in the target
/// kernel's BTF (frontend/lib/ProgramLinker.cpp's message).
bool callsAbsentKernelFunction(const Program &program) {
  return program.malformed.find("does not exist in the target kernel's BTF") != std::string::npos;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bpfcheck-selftest-verdicts EXPECTATIONS OBJECT_DIR "
                         "[--btf-dir DIR] [--verdicts TSV] [--show-disagreements] [--kernel] "
                         "[--unprivileged] [--no-smt] [--loops auto|unroll|summarize]\n");
    return 2;
  }
  const std::string expectationsPath = argv[1];
  const std::string objectDir = argv[2];
  std::string verdictsPath;
  std::string btfDir = objectDir + "/btf";
  bool showDisagreements = false;
  bool askKernel = false;
  absint::VerifyOptions options;
  smt::PathProver prover;
  options.prover = &prover;
  for (int i = 3; i < argc; ++i) {
    if (std::strcmp(argv[i], "--verdicts") == 0 && i + 1 < argc)
      verdictsPath = argv[++i];
    else if (std::strcmp(argv[i], "--btf-dir") == 0 && i + 1 < argc)
      btfDir = argv[++i];
    else if (std::strcmp(argv[i], "--show-disagreements") == 0)
      showDisagreements = true;
    else if (std::strcmp(argv[i], "--kernel") == 0)
      askKernel = true;
    else if (std::strcmp(argv[i], "--unprivileged") == 0)
      options.privileged = false;
    else if (std::strcmp(argv[i], "--no-smt") == 0)
      options.prover = nullptr;
    else if (std::strcmp(argv[i], "--loops") == 0 && i + 1 < argc) {
      const char *mode = argv[++i];
      const auto loops = absint::loopModeNamed(mode);
      if (!loops) {
        std::fprintf(stderr, "bpfcheck-selftest-verdicts: unknown --loops '%s'\n", mode);
        return 2;
      }
      options.loops = *loops;
    } else {
      std::fprintf(stderr, "bpfcheck-selftest-verdicts: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }
  if (askKernel && !options.privileged) {
    std::fprintf(stderr, "bpfcheck-selftest-verdicts: --kernel loads with root's capabilities, "
                         "so it does not go with --unprivileged\n");
    return 2;
  }
  std::ifstream in(expectationsPath);
  if (!in) {
    std::fprintf(stderr, "bpfcheck-selftest-verdicts: cannot read %s\n", expectationsPath.c_str());
    return 2;
  }
  std::map<std::string, std::vector<ExpectedTest>> byFile;
  std::string line;
  std::vector<std::string> header;
  std::size_t btfPathColumn = 0; // 0: none (files written before the column existed)
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    const auto fields = splitTabs(line);
    if (header.empty()) {
      header = fields;
      for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == "btf_path")
          btfPathColumn = i;
      continue;
    }
    // file, program, section, kind, loaded, priv_verdict, priv_retval, priv_retval_value,
    // priv_msgs, unpriv_verdict, unpriv_retval, unpriv_retval_value, unpriv_msgs, ...
    const std::size_t verdictColumn = options.privileged ? 5 : 9;
    const std::size_t messagesColumn = options.privileged ? 8 : 12;
    if (fields.size() <= messagesColumn || fields[3] == "auxiliary" || fields[4] != "yes")
      continue;
    const std::string &verdict = fields[verdictColumn];
    if (verdict != "success" && verdict != "failure")
      continue;
    const std::string btfPath =
        btfPathColumn && btfPathColumn < fields.size() ? fields[btfPathColumn] : std::string();
    byFile[fields[0]].push_back(
        {fields[0], fields[1], verdict == "success", fields[messagesColumn], btfPath});
  }

  std::ofstream verdicts;
  if (!verdictsPath.empty()) {
    verdicts.open(verdictsPath);
    verdicts << "file\tprogram\texpected\tbpfcheck\trule\tmessage\texpected_messages\t"
                "running_kernel\n";
  }
  BtfKernelTypes kernelTypes;
  std::map<std::string, FileTally> inScope, outside;
  for (const auto &[file, tests] : byFile) {
    FileTally &tally = outOfScope(file) ? outside[file] : inScope[file];
    const std::string objectPath = objectDir + "/" + file.substr(0, file.size() - 2) + ".bpf.o";
    // The object once per target BTF its tests name ("" is the running kernel's), loaded
    // when a test first needs it; a failure is reported once, and its tests are left out.
    std::map<std::string, std::optional<Object>> objects;
    auto objectFor = [&](const std::string &btfPath) -> const Object * {
      auto [entry, inserted] = objects.try_emplace(btfPath);
      if (!inserted)
        return entry->second ? &*entry->second : nullptr;
      LoadOptions loadOptions;
      if (!btfPath.empty())
        loadOptions.targetBtfPath = btfPath.front() == '/' ? btfPath : btfDir + "/" + btfPath;
      auto object = loadObjectFile(objectPath, loadOptions);
      if (!object) {
        std::printf("%s: cannot load%s: %s\n", file.c_str(),
                    btfPath.empty() ? "" : (" against " + loadOptions.targetBtfPath).c_str(),
                    object.error().message.c_str());
        return nullptr;
      }
      entry->second = std::move(*object);
      return &*entry->second;
    };
    for (const ExpectedTest &test : tests) {
      const Object *loaded = objectFor(test.btfPath);
      if (!loaded || !loaded->findProgram(test.program))
        continue;
      const Object &object = *loaded;
      ++tally.tests;
      if (callsAbsentKernelFunction(*object.findProgram(test.program))) {
        ++tally.needsModule;
        if (verdicts.is_open())
          verdicts << file << '\t' << test.program << '\t'
                   << (test.expectSuccess ? "success" : "failure") << "\tnot-checked\t\t"
                   << object.findProgram(test.program)->malformed << '\t' << test.messages
                   << "\t\n";
        continue;
      }
      const auto results = driver::verifyObject(object, options, test.program, &kernelTypes);
      const absint::VerifyResult &result = results.front().result;
      const bool accepted = result.verdict == absint::Verdict::Accept;
      const absint::Diagnostic *error = absint::rejection(result);
      const std::string rule = error ? std::string(absint::identifierOf(error->rule)) : "";
      const std::string message = error ? error->message : std::string();
      const char *kind = "agree";
      if (accepted == test.expectSuccess) {
        ++tally.agree;
        if (!accepted && rule == "unsupported")
          ++tally.agreeUnsupported;
      } else if (accepted) {
        ++tally.falseAccept;
        kind = "ACCEPTS-EXPECTED-FAILURE";
      } else {
        ++tally.falseReject;
        kind = "rejects-expected-success";
        if (result.verdict == absint::Verdict::TooComplex)
          ++tally.tooComplex;
      }
      std::string kernelSays;
      if (askKernel && std::strcmp(kind, "agree") != 0) {
        const oracle::KernelResult kernel =
            oracle::loadInKernel(object, *object.findProgram(test.program));
        kernelSays = oracle::nameOf(kernel.verdict);
        if ((kernel.verdict == oracle::KernelVerdict::Accepted) == accepted &&
            (kernel.verdict == oracle::KernelVerdict::Accepted ||
             kernel.verdict == oracle::KernelVerdict::Rejected))
          ++tally.kernelSidesWithUs;
      }
      if (verdicts.is_open())
        verdicts << file << '\t' << test.program << '\t'
                 << (test.expectSuccess ? "success" : "failure") << '\t'
                 << absint::nameOf(result.verdict) << '\t' << rule << '\t' << message << '\t'
                 << test.messages << '\t' << kernelSays << '\n';
      if (showDisagreements && std::strcmp(kind, "agree") != 0)
        std::printf("%-26s %s/%s: %s [%s] %s (expected: %s; running kernel: %s)\n", kind,
                    file.c_str(), test.program.c_str(), absint::nameOf(result.verdict).data(),
                    rule.c_str(), message.c_str(), test.messages.c_str(),
                    kernelSays.empty() ? "not asked" : kernelSays.c_str());
    }
  }
  auto report = [](const char *title, const std::map<std::string, FileTally> &files) {
    FileTally total;
    std::printf("\n%s\n%-40s %6s %6s %13s %11s %12s %10s\n", title, "file", "tests", "agree",
                "accepts-fail", "rejects-ok", "kernel-6.18", "no-module");
    for (const auto &[file, tally] : files) {
      std::printf("%-40s %6u %6u %13u %11u %12u %10u\n", file.c_str(), tally.tests, tally.agree,
                  tally.falseAccept, tally.falseReject, tally.kernelSidesWithUs, tally.needsModule);
      total.needsModule += tally.needsModule;
      total.kernelSidesWithUs += tally.kernelSidesWithUs;
      total.tests += tally.tests;
      total.agree += tally.agree;
      total.falseAccept += tally.falseAccept;
      total.falseReject += tally.falseReject;
      total.tooComplex += tally.tooComplex;
      total.agreeUnsupported += tally.agreeUnsupported;
    }
    std::printf("%-40s %6u %6u %13u %11u %12u %10u  (%u of the rejections: too complex; %u of "
                "the agreements: refused as unsupported)\n",
                "total", total.tests, total.agree, total.falseAccept, total.falseReject,
                total.kernelSidesWithUs, total.needsModule, total.tooComplex,
                total.agreeUnsupported);
  };
  report("In scope:", inScope);
  report("Out of scope (kfuncs, arenas, dynptrs, open-coded iterators, kptrs, graphs, "
         "cpumasks):",
         outside);
  return 0;
}
