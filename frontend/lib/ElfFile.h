// A read-only view of a 64-bit little-endian BPF ELF object through libelf: sections,
// symbols and relocations, every index and range checked so that a malformed file is an
// Error naming the section and offset, never a crash.
#pragma once

#include "bpfcheck/ir/Expected.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bpfcheck {

struct ElfSection {
  std::size_t index = 0;
  std::string name;
  std::uint32_t type = 0; ///< SHT_*
  std::uint64_t flags = 0;
  std::uint32_t link = 0;
  std::uint32_t info = 0;
  std::uint64_t size = 0;
  std::span<const std::byte> data; ///< empty for SHT_NOBITS

  bool isExecutable() const;
};

struct ElfSymbol {
  std::size_t index = 0;
  std::string name;
  std::uint64_t value = 0;
  std::uint64_t size = 0;
  std::uint8_t type = 0;    ///< STT_*
  std::uint8_t binding = 0; ///< STB_*
  std::uint16_t sectionIndex = 0;
};

struct ElfRelocation {
  std::uint64_t offset = 0; ///< byte offset in the target section
  std::uint32_t symbol = 0; ///< index into the symbol table
  std::uint32_t type = 0;   ///< R_BPF_*
};

class ElfFile {
public:
  /// Parses `bytes` (copied). `displayName` prefixes nothing; errors name sections.
  static Expected<ElfFile> parse(std::span<const std::byte> bytes);

  const std::vector<ElfSection> &sections() const { return allSections; }
  const std::vector<ElfSymbol> &symbols() const { return allSymbols; }
  const ElfSection *findSection(std::string_view name) const;
  /// The section at `index`, or nothing for reserved and out-of-range indices
  /// (SHN_ABS, SHN_COMMON, …, which symbols may carry).
  const ElfSection *sectionAt(std::size_t index) const {
    return index < allSections.size() ? &allSections[index] : nullptr;
  }

  /// The relocations that apply to section `target` (from its SHT_REL section), sorted by
  /// offset, each checked against the symbol table and the target's size.
  Expected<std::vector<ElfRelocation>> relocationsFor(std::size_t target) const;

private:
  std::shared_ptr<std::vector<std::byte>> bytes;
  std::vector<ElfSection> allSections;
  std::vector<ElfSymbol> allSymbols;
  std::optional<std::size_t> symbolTable;
};

} // namespace bpfcheck
