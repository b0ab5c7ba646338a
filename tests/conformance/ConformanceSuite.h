// Reading the eBPF ISA conformance suite (bpf_conformance's `.data` files, see
// ../shared/README.md): a file's `-- NAME` sections, and its program as raw instruction
// slots, assembled from the suite's own assembly dialect (`mov %r0, 1`, `ldxh %r0, [%r1+2]`,
// `jeq %r1, 0, label`, `lock fetch add32 [%r10-8], %r1`, …) or read from its `-- raw` words.
// Test-only: the product never reads this dialect.
#pragma once

#include "bpfcheck/ir/Encoding.h"
#include "bpfcheck/ir/Expected.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bpfcheck::conformance {

/// One line of a test file and its 1-based line number.
struct SourceLine {
  unsigned number = 0;
  std::string text;
};

/// The lines between a `-- NAME` header and the next header.
struct Section {
  std::string name; ///< e.g. "asm", "raw", "mem", "result", "no register offset"
  unsigned headerLine = 0;
  std::vector<SourceLine> lines;
};

/// A test file split into its sections; the `#` comments before the first header are dropped.
struct TestFile {
  std::string name; ///< how errors name the file
  std::vector<Section> sections;

  /// The section called `sectionName`, or nullptr if the file has none.
  const Section *find(std::string_view sectionName) const;
};

/// Splits `text` into sections. Errors (text before the first header, a section given twice)
/// read "NAME:LINE: 'text': problem".
Expected<TestFile> parseTestFile(std::string_view text, std::string name);
Expected<TestFile> readTestFile(const std::filesystem::path &path);

/// Assembles the `-- asm` section, resolving labels (and the suite's implicit label `exit`,
/// the first exit instruction) to jump offsets and local call targets. Errors read
/// "NAME:LINE: 'token': problem".
Expected<std::vector<encoding::RawInstruction>> assemble(const TestFile &file);

/// The `-- raw` section: one little-endian 64-bit word per slot, in hex (0x...) or decimal.
Expected<std::vector<encoding::RawInstruction>> readRawWords(const TestFile &file);

/// The program the suite runs: the `-- raw` words if the file has them, else the assembly.
Expected<std::vector<encoding::RawInstruction>> program(const TestFile &file);

/// Every `*.data` file directly inside `directory`, sorted by name.
std::vector<std::filesystem::path> listTestFiles(const std::filesystem::path &directory);

} // namespace bpfcheck::conformance
