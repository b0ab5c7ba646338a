// The eBPF ISA conformance suite (../shared/corpora/bpf_conformance) through the ir library:
// every program assembles, decodes slot by slot, re-encodes to the same bytes and prints,
// and every program the suite runs passes the whole-program checks. Also the suite's
// assembler itself, against encodings written out from RFC 9669's tables.
#include "ConformanceSuite.h"

#include "bpfcheck/ir/Decoder.h"
#include "bpfcheck/ir/Encoder.h"
#include "bpfcheck/ir/Printer.h"

#include <doctest/doctest.h>

#include <cinttypes>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

#ifndef BPFCHECK_CONFORMANCE_DIR
#error "BPFCHECK_CONFORMANCE_DIR must name the directory of the suite's .data files"
#endif

using namespace bpfcheck;
using namespace bpfcheck::conformance;
using encoding::RawInstruction;

namespace {

const std::filesystem::path suiteDirectory{BPFCHECK_CONFORMANCE_DIR};
constexpr std::size_t publishedTestCount = 313;

RawInstruction raw(std::uint8_t opcode, std::uint8_t dst, std::uint8_t src, std::int16_t offset,
                   std::int32_t imm) {
  return RawInstruction::make(opcode, dst, src, offset, imm);
}

/// The slots as the suite's `-- raw` words, one per line, so that doctest shows a mismatch.
std::string words(const std::vector<RawInstruction> &code) {
  std::string text;
  for (const RawInstruction &slot : code) {
    const std::uint64_t word = std::uint64_t(slot.opcode) | std::uint64_t(slot.registers) << 8 |
                               std::uint64_t(std::uint16_t(slot.offset)) << 16 |
                               std::uint64_t(std::uint32_t(slot.imm)) << 32;
    char line[24];
    std::snprintf(line, sizeof line, "0x%016" PRIx64 "\n", word);
    text += line;
  }
  return text;
}

template <typename T> std::string errorOf(const Expected<T> &result) {
  return result ? std::string() : result.error().message;
}

/// A file of the suite with its program (raw words if given, else assembled).
struct LoadedTest {
  std::string name;
  TestFile file;
  std::vector<RawInstruction> code;
};

/// Reads and assembles one file; a failure is reported as a failed check naming the file.
std::optional<LoadedTest> load(const std::filesystem::path &path) {
  auto file = readTestFile(path);
  if (!file) {
    FAIL_CHECK(file.error().message);
    return std::nullopt;
  }
  auto code = program(*file);
  if (!code) {
    FAIL_CHECK(code.error().message);
    return std::nullopt;
  }
  return LoadedTest{path.filename().string(), std::move(*file), std::move(*code)};
}

/// How many `.data` files the directory holds, counted independently of listTestFiles.
std::size_t countDataFiles() {
  std::size_t count = 0;
  std::error_code error;
  for (const auto &entry : std::filesystem::directory_iterator(suiteDirectory, error))
    count += entry.path().extension() == ".data";
  return count;
}

/// Assembles an inline `-- asm` program, for the assembler's own tests.
std::vector<RawInstruction> assembleText(const std::string &text) {
  auto file = parseTestFile("-- asm\n" + text, "inline.data");
  REQUIRE(errorOf(file) == "");
  auto code = assemble(*file);
  REQUIRE(errorOf(code) == "");
  return *code;
}

std::string assemblyError(const std::string &text) {
  auto file = parseTestFile(text, "t.data");
  if (!file)
    return file.error().message;
  return errorOf(assemble(*file));
}

} // namespace

TEST_CASE("conformance suite: every file is read, has known sections and assembles") {
  const std::set<std::string> knownSections = {
      "asm", "raw", "mem", "result", "error", "c", "no register offset"};
  const auto paths = listTestFiles(suiteDirectory);
  std::size_t assembled = 0;
  for (const auto &path : paths) {
    const std::string name = path.filename().string();
    INFO(name);
    auto test = load(path);
    if (!test)
      continue;
    for (const Section &section : test->file.sections)
      CHECK_MESSAGE(knownSections.count(section.name) == 1, "unknown section: " << section.name);
    CHECK(test->file.find("asm") != nullptr);
    CHECK((test->file.find("result") || test->file.find("error")));
    CHECK_FALSE(test->code.empty());
    ++assembled;
  }
  CHECK(paths.size() == countDataFiles());
  CHECK(paths.size() >= publishedTestCount);
  CHECK(assembled == paths.size());
}

TEST_CASE("conformance suite: every slot decodes, re-encodes to the same bytes and prints") {
  const auto paths = listTestFiles(suiteDirectory);
  std::size_t processed = 0, instructions = 0, slots = 0;
  for (const auto &path : paths) {
    const std::string name = path.filename().string();
    INFO(name);
    auto test = load(path);
    if (!test)
      continue;
    auto decoded = decodeInstructions(test->code);
    if (!decoded) {
      FAIL_CHECK("the decoder rejects " << name << ": " << decoded.error().message);
      continue;
    }
    CHECK(words(encodeProgram(*decoded)) == words(test->code));
    for (const PlacedInstruction &placed : *decoded) {
      INFO("insn " << placed.pc);
      CHECK_FALSE(printInstruction(placed.insn, RegisterStyle::Plain).empty());
      CHECK_FALSE(printInstruction(placed.insn, RegisterStyle::Alu32).empty());
    }
    instructions += decoded->size();
    slots += test->code.size();
    ++processed;
  }
  MESSAGE(processed << " files, " << instructions << " instructions in " << slots << " slots");
  CHECK(processed == countDataFiles());
  CHECK(processed >= publishedTestCount);
  CHECK(instructions > processed); // every program has more than its exit
}

TEST_CASE("conformance suite: where a file has -- raw words, its assembly gives the same") {
  // No file of the suite gives raw words that differ from its assembly on purpose; a test
  // added upstream that does (to encode fields the dialect cannot spell) would be listed
  // here, by name, with the reason.
  std::size_t compared = 0;
  for (const auto &path : listTestFiles(suiteDirectory)) {
    const std::string name = path.filename().string();
    INFO(name);
    auto file = readTestFile(path);
    REQUIRE(errorOf(file) == "");
    if (!file->find("raw"))
      continue;
    auto fromWords = readRawWords(*file);
    auto fromAssembly = assemble(*file);
    REQUIRE(errorOf(fromWords) == "");
    REQUIRE(errorOf(fromAssembly) == "");
    CHECK(words(*fromAssembly) == words(*fromWords));
    ++compared;
  }
  CHECK(compared >= 1); // lddw.data
}

TEST_CASE("conformance suite: whole-program checks accept every program the suite runs") {
  // No program the suite runs breaks a structural rule on purpose (exit-not-last.data ends
  // in a backward `ja`, which does not fall off the end); one that did would be listed here,
  // by name, with the reason, and checked to be refused.
  std::size_t checked = 0;
  for (const auto &path : listTestFiles(suiteDirectory)) {
    const std::string name = path.filename().string();
    INFO(name);
    auto test = load(path);
    if (!test || !test->file.find("result") || test->file.find("error"))
      continue;
    auto decoded = decodeProgram(test->code);
    CHECK_MESSAGE(decoded, "decodeProgram refuses " << name << ": " << errorOf(decoded));
    ++checked;
  }
  CHECK(checked >= publishedTestCount);
}

TEST_CASE("conformance assembler: each form of the dialect gives RFC 9669's encoding") {
  struct Case {
    const char *line;
    std::vector<RawInstruction> slots;
  };
  const Case cases[] = {
      {"mov32 %r0, 1", {raw(0xb4, 0, 0, 0, 1)}},
      {"mov %r1, -1", {raw(0xb7, 1, 0, 0, -1)}},
      {"add32 %r1, %r2", {raw(0x0c, 1, 2, 0, 0)}},
      {"add64 %r1, %r2", {raw(0x0f, 1, 2, 0, 0)}},
      {"sdiv32 %r0, -3", {raw(0x34, 0, 0, 1, -3)}},
      {"smod %r0, %r1", {raw(0x9f, 0, 1, 1, 0)}},
      {"arsh32 %r0, 0x80000000", {raw(0xc4, 0, 0, 0, INT32_MIN)}},
      {"neg %r9", {raw(0x87, 9, 0, 0, 0)}},
      {"neg32 %r9", {raw(0x84, 9, 0, 0, 0)}},
      {"movsx832 %r2, %r1", {raw(0xbc, 2, 1, 8, 0)}},
      {"movsx1664 %r8, %r7", {raw(0xbf, 8, 7, 16, 0)}},
      {"movsx3264 %r0, %r9", {raw(0xbf, 0, 9, 32, 0)}},
      {"be16 %r0", {raw(0xdc, 0, 0, 0, 16)}},
      {"le64 %r3", {raw(0xd4, 3, 0, 0, 64)}},
      {"swap32 %r0", {raw(0xd7, 0, 0, 0, 32)}},
      {"bswap64 %r0", {raw(0xd7, 0, 0, 0, 64)}},
      {"ldxh %r0, [%r1+2]", {raw(0x69, 0, 1, 2, 0)}},
      {"ldxdw %r0, [%r1]", {raw(0x79, 0, 1, 0, 0)}},
      {"ldxb %r8, [%r0+0x1]", {raw(0x71, 8, 0, 1, 0)}},
      {"ldxsw %r0, [%r10-4]", {raw(0x81, 0, 10, -4, 0)}},
      {"ldxsb %r0, [%r10-1]", {raw(0x91, 0, 10, -1, 0)}},
      {"stw [%r10-4], 0xffffffff", {raw(0x62, 10, 0, -4, -1)}},
      {"stdw [%r10-16], 0xab", {raw(0x7a, 10, 0, -16, 0xab)}},
      {"stxdw [%r10-8], %r0", {raw(0x7b, 10, 0, -8, 0)}},
      {"stxb [%r1+3], %r2", {raw(0x73, 1, 2, 3, 0)}},
      {"lock add [%r10-8], %r1", {raw(0xdb, 10, 1, -8, 0x00)}},
      {"lock fetch add32 [%r10-8], %r1", {raw(0xc3, 10, 1, -8, 0x01)}},
      {"lock fetch xor [%r10-8], %r3", {raw(0xdb, 10, 3, -8, 0xa1)}},
      {"lock or32 [%r10-4], %r1", {raw(0xc3, 10, 1, -4, 0x40)}},
      {"lock xchg [%r10-8], %r1", {raw(0xdb, 10, 1, -8, 0xe1)}},
      {"lock cmpxchg32 [%r10-8], %r1", {raw(0xc3, 10, 1, -8, 0xf1)}},
      {"call 5", {raw(0x85, 0, 0, 0, 5)}},
      {"call %r2", {raw(0x8d, 2, 0, 0, 0)}},
      {"jne32 %r2, 0xffffff80, +1", {raw(0x56, 2, 0, 1, -128)}},
      {"jsle %r1, %r2, -3", {raw(0xdd, 1, 2, -3, 0)}},
      {"jset %r1, 8, +0", {raw(0x45, 1, 0, 0, 8)}},
      {"ja +2", {raw(0x05, 0, 0, 2, 0)}},
      {"ja32 -1", {raw(0x06, 0, 0, 0, -1)}},
      {"exit # comment", {raw(0x95, 0, 0, 0, 0)}},
      {"lddw %r0, 0x123456789abcdef0",
       {raw(0x18, 0, 0, 0, std::int32_t(0x9abcdef0u)), raw(0, 0, 0, 0, 0x12345678)}},
      {"lddw %r1, -2", {raw(0x18, 1, 0, 0, -2), raw(0, 0, 0, 0, -1)}},
  };
  for (const Case &c : cases) {
    INFO(c.line);
    CHECK(words(assembleText(c.line)) == words(c.slots));
  }
}

TEST_CASE("conformance assembler: labels, the implicit exit label and local calls") {
  const std::vector<RawInstruction> code = assembleText("mov %r0, 0\n"
                                                        "call local func\n"
                                                        "jeq %r0, 0, done\n"
                                                        "ja32 done\n"
                                                        "done:\n"
                                                        "jne %r0, %r1, exit\n"
                                                        "exit\n"
                                                        "func:\n"
                                                        "lddw %r0, 1\n"
                                                        "back:\n"
                                                        "ja back\n"
                                                        "exit\n");
  CHECK(words(code) == words({raw(0xb7, 0, 0, 0, 0), raw(0x85, 0, 1, 0, 4), raw(0x15, 0, 0, 1, 0),
                              raw(0x06, 0, 0, 0, 0), raw(0x5d, 0, 1, 0, 0), raw(0x95, 0, 0, 0, 0),
                              raw(0x18, 0, 0, 0, 1), raw(0, 0, 0, 0, 0), raw(0x05, 0, 0, -1, 0),
                              raw(0x95, 0, 0, 0, 0)}));
}

TEST_CASE("conformance assembler: errors name the file, the line and the token") {
  CHECK(assemblyError("-- asm\nmov %r0, 1\nfrob %r0\n") == "t.data:3: 'frob': unknown mnemonic");
  CHECK(assemblyError("-- asm\nmov %r1x, 1\n") == "t.data:2: '%r1x': not a register (%r0 .. %r15)");
  CHECK(assemblyError("-- asm\nmov %r0, 0x100000000\n") ==
        "t.data:2: '0x100000000': not a 32-bit immediate");
  CHECK(assemblyError("-- asm\nadd %r0\n") == "t.data:2: 'add': missing operand 2");
  CHECK(assemblyError("-- asm\nexit %r0\n") == "t.data:2: '%r0': unexpected operand");
  CHECK(assemblyError("-- asm\nL: exit\n") == "t.data:2: 'exit': unexpected operand");
  CHECK(assemblyError("-- asm\n\nja nowhere\nexit\n") == "t.data:3: 'nowhere': undefined label");
  CHECK(assemblyError("-- asm\nL:\nL:\nexit\n") == "t.data:3: 'L': label defined twice");
  CHECK(assemblyError("-- asm\nldxw %r0, [%r1+70000]\n") ==
        "t.data:2: '+70000': not a signed 16-bit offset");
  CHECK(assemblyError("-- asm\nlock nand [%r10-8], %r1\n") ==
        "t.data:2: 'nand': unknown atomic operation");
  CHECK(assemblyError("-- asm\nstxw %r10-8, %r1\n") ==
        "t.data:2: '%r10-8': not a memory operand [%rN+OFFSET]");
  CHECK(assemblyError("-- result\n0x0\n") == "t.data: has no '-- asm' section");
  CHECK(assemblyError("stray\n-- asm\nexit\n") ==
        "t.data:1: 'stray': text before the first section");
  CHECK(assemblyError("-- asm\nexit\n-- asm\nexit\n") == "t.data:3: '-- asm': section given twice");

  auto badWords = parseTestFile("-- raw\n0x95 zz\n", "t.data");
  REQUIRE(errorOf(badWords) == "");
  CHECK(errorOf(readRawWords(*badWords)) == "t.data:2: 'zz': not a 64-bit instruction word");
}

TEST_CASE("conformance reader: sections with their lines, and -- raw before -- asm") {
  auto file = parseTestFile("# Copyright\n"
                            "-- asm\n"
                            "exit\n"
                            "-- raw\n"
                            "0x00000001000000b7\n"
                            "0x0000000000000095\n"
                            "-- no register offset\n"
                            "call instruction\r\n"
                            "-- result\n"
                            "0x1\n",
                            "t.data");
  REQUIRE(errorOf(file) == "");
  REQUIRE(file->sections.size() == 4);
  CHECK(file->sections[0].name == "asm");
  CHECK(file->sections[0].headerLine == 2);
  REQUIRE(file->sections[1].lines.size() == 2);
  CHECK(file->sections[1].lines[1].number == 6);
  CHECK(file->sections[2].name == "no register offset");
  CHECK(file->sections[2].lines[0].text == "call instruction");
  CHECK(file->find("mem") == nullptr);
  auto code = program(*file);
  REQUIRE(errorOf(code) == "");
  CHECK(words(*code) == words({raw(0xb7, 0, 0, 0, 1), raw(0x95, 0, 0, 0, 0)}));
}
