// bpfcheck's printer against llvm-objdump-19 on every instruction of the corpus: the test
// runs `llvm-objdump-19 -d` (plain, and --mcpu=v4 for the alu32 spelling), decodes the raw
// bytes objdump shows with bpfcheck's decoder, prints them with bpfcheck's printer, and
// compares the text. The only accepted differences are where objdump's own output loses
// information (32-bit fetching atomics, which plain objdump prints as non-fetching or
// <unknown>); they are counted and must stay rare.
#include "bpfcheck/ir/Decoder.h"
#include "bpfcheck/ir/Printer.h"

#include "../TestSupport.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace bpfcheck;
using encoding::RawInstruction;

namespace {

std::string runCommand(const std::string &command) {
  std::unique_ptr<FILE, int (*)(FILE *)> pipe(popen(command.c_str(), "r"), &pclose);
  REQUIRE(pipe);
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get()))
    output.append(buffer, n);
  return output;
}

struct Comparison {
  unsigned compared = 0;
  unsigned lossyInObjdump = 0;
  std::vector<std::string> mismatches;
};

void compareWithObjdump(const std::string &object, const std::string &flags, RegisterStyle style,
                        Comparison &comparison) {
  const std::string listing =
      runCommand(std::string(BPFCHECK_LLVM_OBJDUMP) + " -d " + flags + " '" + object + "'");
  static const std::regex line(R"(^\s*\d+:\t([0-9a-f]{2}(?: [0-9a-f]{2})*)\s*\t(.*)$)");
  std::istringstream lines(listing);
  std::string text;
  while (std::getline(lines, text)) {
    std::smatch match;
    if (!std::regex_match(text, match, line))
      continue;
    std::vector<std::uint8_t> bytes;
    std::istringstream hex(match[1].str());
    for (std::string byte; hex >> byte;)
      bytes.push_back(std::uint8_t(std::stoul(byte, nullptr, 16)));
    std::vector<RawInstruction> slots(bytes.size() / 8);
    std::memcpy(slots.data(), bytes.data(), slots.size() * 8);
    auto insn = decodeInstruction(slots, 0);
    if (!insn) {
      comparison.mismatches.push_back(object + ": cannot decode '" + text +
                                      "': " + insn.error().message);
      continue;
    }
    std::string expected = match[2].str();
    // Drop objdump's symbolic jump annotation (" <func+0x28>").
    if (auto annotation = expected.rfind(" <");
        annotation != std::string::npos && expected.back() == '>')
      expected.erase(annotation);
    const std::string printed = printInstruction(*insn, style);
    ++comparison.compared;
    if (printed == expected)
      continue;
    const auto *atomic = std::get_if<Atomic>(&*insn);
    if (atomic && atomic->fetch && atomic->width == Width::W && style == RegisterStyle::Plain) {
      ++comparison.lossyInObjdump;
      continue;
    }
    comparison.mismatches.push_back(object + ": objdump '" + expected + "', bpfcheck '" + printed +
                                    "'");
  }
}

} // namespace

TEST_CASE("the printer agrees with llvm-objdump-19 on every corpus instruction") {
  const auto objects = test::corpusObjects(BPFCHECK_CORPUS_LIST);
  REQUIRE(objects.size() >= 80);
  for (const auto &[flags, style] : {std::pair{std::string(""), RegisterStyle::Plain},
                                     std::pair{std::string("--mcpu=v4"), RegisterStyle::Alu32}}) {
    Comparison comparison;
    for (const std::string &object : objects)
      compareWithObjdump(object, flags, style, comparison);
    MESSAGE("llvm-objdump -d " << flags << ": " << comparison.compared << " instructions compared, "
                               << comparison.lossyInObjdump
                               << " where objdump loses the fetch flag");
    CHECK(comparison.compared > 2000);
    for (const std::string &mismatch : comparison.mismatches)
      FAIL_CHECK(mismatch);
    CHECK(comparison.mismatches.empty());
  }
}
