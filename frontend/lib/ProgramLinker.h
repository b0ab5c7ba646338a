// Linking one program the way libbpf does before BPF_PROG_LOAD: its entry function's code,
// followed by every subprogram it calls or takes the address of (transitively, from any
// code section), with calls re-targeted, maps and global data turned into map-index
// loads, and kfunc calls resolved against the target BTF.
#pragma once

#include "ElfFile.h"
#include "Externs.h"
#include "MapCollector.h"
#include "TargetBtf.h"

#include "bpfcheck/frontend/Object.h"

#include <map>

namespace bpfcheck {

/// A function symbol inside a code section, in slots.
struct FunctionSymbol {
  std::string name;
  std::uint64_t firstSlot = 0;
  std::uint64_t endSlot = 0; ///< one past the last slot
  bool isGlobal = false;
};

/// One executable section, ready to be linked from.
struct CodeSection {
  const ElfSection *section = nullptr;
  std::vector<encoding::RawInstruction> slots; ///< CO-RE relocations already applied
  std::vector<ElfRelocation> relocations;
  std::vector<FunctionSymbol> functions; ///< sorted by firstSlot
  /// CO-RE relocations applied to this section, by slot (reported per program).
  std::vector<std::pair<std::uint64_t, AppliedRelocation>> coreRelocations;
};

/// Where a slot of a linked program came from.
struct SlotOrigin {
  std::size_t codeSection = 0; ///< index into the CodeSection list
  std::uint64_t slot = 0;
};

struct LinkedProgram {
  std::vector<encoding::RawInstruction> slots;
  std::vector<SlotOrigin> origins;                    ///< one per slot
  std::map<std::uint32_t, std::string> functionNames; ///< entry slot → name
  std::vector<std::size_t> mapsUsed;
  std::vector<AppliedRelocation> relocations;
};

class ProgramLinker {
public:
  ProgramLinker(const ElfFile &elf, const std::vector<CodeSection> &sections,
                const MapSymbolIndex &maps, const ExternIndex &externs, const Object &object,
                TargetBtf &targetBtf)
      : elf(elf), sections(sections), maps(maps), externs(externs), object(object),
        targetBtf(targetBtf) {}

  /// Links the program whose entry is `entry` in code section `section`.
  Expected<LinkedProgram> link(std::size_t section, const FunctionSymbol &entry);

private:
  const ElfFile &elf;
  const std::vector<CodeSection> &sections;
  const MapSymbolIndex &maps;
  const ExternIndex &externs;
  const Object &object;
  TargetBtf &targetBtf;
};

} // namespace bpfcheck
