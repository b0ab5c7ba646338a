// The eBPF ISA conformance suite (../shared/corpora/bpf_conformance) run by the interpreter,
// in fast and in checked mode: every runnable test's r0 equals its `-- result` (or its
// `-- error` happens). r1 points to the `-- mem` bytes (a writable input region in checked
// mode) and r2 holds their length.
#include "InterpTestSupport.h"

#include <cstdlib>
#include <set>
#include <sstream>

#ifndef BPFCHECK_CONFORMANCE_DIR
#error "BPFCHECK_CONFORMANCE_DIR must name the directory of the suite's .data files"
#endif

using namespace bpfcheck;
using namespace bpfcheck::interp;
using namespace bpfcheck::interp::test;

namespace {

const std::filesystem::path suiteDirectory{BPFCHECK_CONFORMANCE_DIR};

/// The suite's files that no eBPF runtime following the kernel can run, and why. `callx`
/// (`call %r2` with r2 = 5) assumes uBPF's convention that the register holds a helper id;
/// in LLVM's BPF target, which bpfcheck follows, callx takes a function address, and the
/// kernel has no callx at all. The interpreter reports it as a bad call target.
const std::set<std::string> notRunnable = {"callx.data"};

std::vector<std::byte> memoryOf(const conformance::TestFile &file) {
  std::vector<std::byte> bytes;
  if (const conformance::Section *section = file.find("mem"))
    for (const conformance::SourceLine &line : section->lines) {
      std::istringstream words(line.text);
      std::string word;
      while (words >> word)
        bytes.push_back(std::byte(std::strtoul(word.c_str(), nullptr, 16)));
    }
  return bytes;
}

std::optional<std::uint64_t> expectedResult(const conformance::TestFile &file) {
  const conformance::Section *section = file.find("result");
  if (!section || section->lines.empty())
    return std::nullopt;
  return std::strtoull(section->lines.front().text.c_str(), nullptr, 0);
}

/// The suite's helper 5 (the kernel's bpf_ktime_get_ns; uBPF's "unwind" test helper): the
/// tests only require that it returns.
class ConformanceEnvironment : public ExecutionEnvironment {
public:
  HelperOutcome callHelper(const HelperCall &call, CallContext &) override {
    if (call.id == 5)
      return HelperOutcome::returned(call.arguments[0]);
    return HelperOutcome::notProvided();
  }
};

/// Whether one run of `program` matches the file's expectation; the reason when not.
std::string mismatch(const DecodedProgram &program, const conformance::TestFile &file,
                     ExecutionMode mode) {
  std::vector<std::byte> memory = memoryOf(file);
  const auto address = reinterpret_cast<std::uintptr_t>(memory.data());
  const MemoryRegion region{address, memory.size(), true, RegionKind::Input, "-- mem"};
  RunInput input;
  input.arguments = {memory.empty() ? 0 : address, memory.size(), 0, 0, 0};
  if (!memory.empty())
    input.regions = std::span(&region, 1);
  ConformanceEnvironment environment;
  Interpreter interpreter(environment);
  const RunResult result = interpreter.run(program, input, RunOptions{mode, 1'000'000});
  if (file.find("error"))
    return result.completed() ? "expected an error, got r0 = " + std::to_string(result.returnValue)
                              : "";
  if (!result.completed())
    return "fault: " + result.fault->message;
  const auto expected = expectedResult(file);
  if (!expected)
    return "the file has no -- result";
  if (result.returnValue != *expected) {
    std::ostringstream text;
    text << std::hex << "r0 = 0x" << result.returnValue << ", expected 0x" << *expected;
    return text.str();
  }
  return "";
}

} // namespace

TEST_CASE("conformance suite: every runnable test passes in fast and in checked mode") {
  const auto paths = conformance::listTestFiles(suiteDirectory);
  if (paths.empty()) {
    MESSAGE("SKIPPED: no conformance suite at " << suiteDirectory.string());
    return;
  }
  std::size_t runnable = 0, passedFast = 0, passedChecked = 0, excluded = 0;
  for (const auto &path : paths) {
    const std::string name = path.filename().string();
    INFO(name);
    auto file = conformance::readTestFile(path);
    REQUIRE_MESSAGE(file, (file ? "" : file.error().message));
    auto slots = conformance::program(*file);
    REQUIRE_MESSAGE(slots, (slots ? "" : slots.error().message));
    const DecodedProgram program = predecodeSlots(*slots, name);
    if (notRunnable.count(name)) {
      ++excluded;
      // Still runs, and refuses the call cleanly instead of crashing.
      ConformanceEnvironment environment;
      Interpreter interpreter(environment);
      const RunResult result =
          interpreter.run(program, {}, RunOptions{ExecutionMode::Checked, 100});
      REQUIRE_FALSE(result.completed());
      CHECK(result.fault->kind == FaultKind::BadCallTarget);
      continue;
    }
    ++runnable;
    const std::string fast = mismatch(program, *file, ExecutionMode::Fast);
    const std::string checked = mismatch(program, *file, ExecutionMode::Checked);
    CHECK_MESSAGE(fast.empty(), "fast mode: " << fast);
    CHECK_MESSAGE(checked.empty(), "checked mode: " << checked);
    passedFast += fast.empty();
    passedChecked += checked.empty();
  }
  MESSAGE(runnable << " runnable tests (" << excluded << " excluded): " << passedFast
                   << " pass in fast mode, " << passedChecked << " in checked mode");
  CHECK(excluded == notRunnable.size());
  CHECK(runnable == 312);
  CHECK(passedFast == runnable);
  CHECK(passedChecked == runnable);
}
