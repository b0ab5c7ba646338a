// Collecting an object's maps: BTF-defined maps in `.maps`, legacy `struct bpf_map_def`
// records in `maps`, and global-data sections as one-entry arrays.
#pragma once

#include "ElfFile.h"

#include "bpfcheck/frontend/Object.h"

struct btf;

namespace bpfcheck {

/// Where each map's symbol (or data section) lives, for resolving relocations later.
struct MapSymbolIndex {
  /// (section index, byte offset of the symbol) → map index, for `.maps` and `maps`.
  std::vector<std::tuple<std::size_t, std::uint64_t, std::size_t>> definitions;
  /// section index → map index, for global-data sections.
  std::vector<std::pair<std::size_t, std::size_t>> dataSections;

  std::optional<std::size_t> definitionAt(std::size_t section, std::uint64_t offset) const;
  std::optional<std::size_t> dataSection(std::size_t section) const;
};

/// Appends every map of `elf` to `object.maps`. `objectBtf` may be null when the object
/// has no `.BTF` (then `.maps` cannot be read and is an error).
Expected<MapSymbolIndex> collectMaps(const ElfFile &elf, const btf *objectBtf, Object &object);

/// Whether a section holds global data (`.data`, `.data.*`, `.rodata`, `.rodata.*`, `.bss`,
/// `.bss.*`).
bool isGlobalDataSection(std::string_view name);

} // namespace bpfcheck
