// Relocation rules (as clang-19 emits them and libbpf 1.x applies them):
//  - a call (src = 1) with an R_BPF_64_32 relocation targets slot
//    symbol.value / 8 + imm + 1 of the symbol's section (imm = -1 for a function symbol,
//    the target's slot - 1 for a section symbol); without a relocation it is pc-relative;
//  - a call (src = 0, imm = -1) relocated against an undefined function is a kfunc call;
//  - a 64-bit load relocated against a map symbol loads the map; against a data section
//    symbol, the address symbol.value + imm inside that section's map; against a code
//    section, the function at byte symbol.value + imm.
#include "ProgramLinker.h"

#include "bpfcheck/ir/Encoding.h"

#include <bpf/btf.h>
#include <elf.h>

#include <algorithm>
#include <deque>

namespace bpfcheck {
namespace {

using namespace encoding;

constexpr std::uint32_t RelocationLoad64 = 1;  // R_BPF_64_64
constexpr std::uint32_t RelocationCall32 = 10; // R_BPF_64_32

bool isLoadImmediate64(const RawInstruction &insn) {
  return insn.opcode == (ClassLd | ModeImm | SizeDW);
}
bool isCall(const RawInstruction &insn) {
  return insn.opcode == (ClassJmp | JmpCall);
}

/// A function placed in the linked program.
struct Placement {
  std::size_t section;
  const FunctionSymbol *function;
  std::uint32_t newFirstSlot;
};

/// A slot of the linked program whose imm must point at a function once all are placed.
struct PendingTarget {
  std::uint32_t slot;
  std::size_t section;
  std::uint64_t targetSlot;
};

std::string where(const CodeSection &code, std::uint64_t slot) {
  return "section '" + code.section->name + "', insn " + std::to_string(slot) + " (offset " +
         std::to_string(slot * 8) + ")";
}

const FunctionSymbol *functionAt(const CodeSection &code, std::uint64_t slot) {
  for (const FunctionSymbol &function : code.functions)
    if (slot >= function.firstSlot && slot < function.endSlot)
      return &function;
  return nullptr;
}

const ElfRelocation *relocationAt(const CodeSection &code, std::uint64_t slot) {
  auto it = std::lower_bound(code.relocations.begin(), code.relocations.end(), slot * 8,
                             [](const ElfRelocation &relocation, std::uint64_t offset) {
                               return relocation.offset < offset;
                             });
  return it != code.relocations.end() && it->offset == slot * 8 ? &*it : nullptr;
}

} // namespace

Expected<LinkedProgram> ProgramLinker::link(std::size_t entrySection, const FunctionSymbol &entry) {
  LinkedProgram linked;
  std::vector<Placement> placements;
  std::deque<std::size_t> work;
  std::vector<PendingTarget> pending;

  auto place = [&](std::size_t section, const FunctionSymbol *function) {
    for (const Placement &placement : placements)
      if (placement.section == section && placement.function == function)
        return;
    placements.push_back({section, function, 0});
    work.push_back(placements.size() - 1);
  };
  // Finds the function that contains a target slot, or explains why there is none.
  auto resolveTarget = [&](std::size_t section, std::int64_t targetSlot,
                           const std::string &from) -> Expected<const FunctionSymbol *> {
    const CodeSection &code = sections[section];
    if (targetSlot < 0 || std::uint64_t(targetSlot) >= code.slots.size())
      return Error(from + ": call or function address targets insn " + std::to_string(targetSlot) +
                   ", outside section '" + code.section->name + "'");
    const FunctionSymbol *function = functionAt(code, std::uint64_t(targetSlot));
    if (!function || function->firstSlot != std::uint64_t(targetSlot))
      return Error(from + ": call or function address targets insn " + std::to_string(targetSlot) +
                   " of section '" + code.section->name +
                   "', which is not the start of a function");
    return function;
  };
  auto codeSectionOf = [&](std::size_t elfSection) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < sections.size(); ++i)
      if (sections[i].section->index == elfSection)
        return i;
    return std::nullopt;
  };
  auto useMap = [&](std::size_t map) {
    if (std::find(linked.mapsUsed.begin(), linked.mapsUsed.end(), map) == linked.mapsUsed.end())
      linked.mapsUsed.push_back(map);
  };

  placements.push_back({entrySection, &entry, 0});
  work.push_back(0);
  while (!work.empty()) {
    const std::size_t current = work.front();
    work.pop_front();
    placements[current].newFirstSlot = std::uint32_t(linked.slots.size());
    const Placement placement = placements[current]; // a copy: place() grows the vector
    const CodeSection &code = sections[placement.section];
    const FunctionSymbol &function = *placement.function;
    linked.functionNames[placement.newFirstSlot] = function.name;
    const std::size_t section = placement.section;

    for (std::uint64_t slot = function.firstSlot; slot < function.endSlot; ++slot) {
      RawInstruction insn = code.slots[slot];
      const std::uint32_t newSlot = std::uint32_t(linked.slots.size());
      const ElfRelocation *relocation = relocationAt(code, slot);
      const std::string from = where(code, slot);
      for (const auto &[coreSlot, applied] : code.coreRelocations)
        if (coreSlot == slot) {
          linked.relocations.push_back(applied);
          linked.relocations.back().pc = newSlot;
        }

      if (relocation) {
        const ElfSymbol &symbol = elf.symbols()[relocation->symbol];
        if (isCall(insn)) {
          if (relocation->type != RelocationCall32)
            return Error(from + ": call relocated with type " + std::to_string(relocation->type) +
                         ", expected R_BPF_64_32");
          if (symbol.sectionIndex == SHN_UNDEF) {
            // A kernel function (kfunc) declared extern: resolve its BTF id in the target.
            auto target = targetBtf.get("kfunc call to '" + symbol.name + "' (" + from + ")");
            if (!target)
              return target.takeError();
            const int id = btf__find_by_name_kind(*target, symbol.name.c_str(), BTF_KIND_FUNC);
            if (id <= 0)
              return Error(from + ": kfunc '" + symbol.name +
                           "' does not exist in the target kernel's BTF");
            insn = RawInstruction::make(ClassJmp | JmpCall, 0, PseudoKfuncCall, 0, id);
            linked.relocations.push_back(
                {RelocationKind::KfuncCall, newSlot, symbol.name, "btf id " + std::to_string(id)});
          } else {
            if (insn.src() != PseudoCall)
              return Error(from + ": relocated call is not a bpf-to-bpf call (src " +
                           std::to_string(insn.src()) + ")");
            const auto targetSection = codeSectionOf(symbol.sectionIndex);
            if (!targetSection)
              return Error(from + ": call to '" + symbol.name +
                           "', which is not in a code section");
            const std::int64_t target = std::int64_t(symbol.value / 8) + insn.imm + 1;
            auto callee = resolveTarget(*targetSection, target, from);
            if (!callee)
              return callee.takeError();
            place(*targetSection, *callee);
            pending.push_back({newSlot, *targetSection, std::uint64_t(target)});
            linked.relocations.push_back(
                {RelocationKind::SubprogramCall, newSlot, (*callee)->name, ""});
          }
        } else if (isLoadImmediate64(insn)) {
          if (relocation->type != RelocationLoad64)
            return Error(from + ": 64-bit load relocated with type " +
                         std::to_string(relocation->type) + ", expected R_BPF_64_64");
          if (slot + 1 >= code.slots.size())
            return Error(from + ": 64-bit load is truncated");
          RawInstruction next = code.slots[slot + 1];
          if (symbol.sectionIndex == SHN_UNDEF) {
            const auto resolved = externs.byName.find(symbol.name);
            if (resolved == externs.byName.end()) {
              if (symbol.binding != STB_WEAK)
                return Error(from + ": extern '" + symbol.name +
                             "' is not resolved: it is neither a .kconfig nor a __ksym variable");
              // A weak __ksym the kernel lacks reads as zero (libbpf).
              insn = RawInstruction::make(insn.opcode, insn.dst(), 0, 0, 0);
              next.imm = 0;
            } else if (resolved->second.kind == ExternResolution::Kind::KconfigSlot) {
              const std::int32_t addend = insn.imm;
              insn = RawInstruction::make(insn.opcode, insn.dst(), PseudoMapIdxValue, 0,
                                          std::int32_t(*externs.kconfigMap));
              next.imm = std::int32_t(resolved->second.offset) + addend;
              useMap(*externs.kconfigMap);
              linked.relocations.push_back(
                  {RelocationKind::Kconfig, newSlot, symbol.name, resolved->second.detail});
            } else {
              insn = RawInstruction::make(insn.opcode, insn.dst(), PseudoBtfId, 0,
                                          std::int32_t(resolved->second.btfId));
              next.imm = 0;
              linked.relocations.push_back(
                  {RelocationKind::KernelVariable, newSlot, symbol.name, resolved->second.detail});
            }
            linked.slots.push_back(insn);
            linked.origins.push_back({section, slot});
            linked.slots.push_back(next);
            linked.origins.push_back({section, slot + 1});
            ++slot;
            continue;
          }
          if (const auto map = maps.definitionAt(symbol.sectionIndex, symbol.value)) {
            insn =
                RawInstruction::make(insn.opcode, insn.dst(), PseudoMapIdx, 0, std::int32_t(*map));
            next.imm = 0;
            useMap(*map);
            linked.relocations.push_back(
                {RelocationKind::MapReference, newSlot, object.maps[*map].name, ""});
          } else if (const auto data = maps.dataSection(symbol.sectionIndex)) {
            const std::int64_t offset = std::int64_t(symbol.value) + insn.imm;
            if (offset < 0 || std::uint64_t(offset) > object.maps[*data].valueSize)
              return Error(from + ": address of '" + symbol.name + "' + " +
                           std::to_string(insn.imm) + " is outside section '" +
                           object.maps[*data].name + "'");
            insn = RawInstruction::make(insn.opcode, insn.dst(), PseudoMapIdxValue, 0,
                                        std::int32_t(*data));
            next.imm = std::int32_t(offset);
            useMap(*data);
            linked.relocations.push_back(
                {RelocationKind::GlobalData, newSlot, object.maps[*data].name,
                 "offset " + std::to_string(offset) +
                     (symbol.type == STT_SECTION ? "" : " ('" + symbol.name + "')")});
          } else if (const auto targetSection = codeSectionOf(symbol.sectionIndex)) {
            const std::int64_t byte = std::int64_t(symbol.value) + insn.imm;
            if (byte % 8 != 0)
              return Error(from + ": function address " + std::to_string(byte) +
                           " is not a multiple of the instruction size");
            auto callee = resolveTarget(*targetSection, byte / 8, from);
            if (!callee)
              return callee.takeError();
            place(*targetSection, *callee);
            insn = RawInstruction::make(insn.opcode, insn.dst(), PseudoFunc, 0, 0);
            next.imm = 0;
            pending.push_back({newSlot, *targetSection, std::uint64_t(byte / 8)});
            linked.relocations.push_back(
                {RelocationKind::FunctionAddress, newSlot, (*callee)->name, ""});
          } else {
            const ElfSection *holder = elf.sectionAt(symbol.sectionIndex);
            return Error(from + ": 64-bit load of '" + symbol.name + "' in " +
                         (holder
                              ? "section '" + holder->name + "'"
                              : "reserved section index " + std::to_string(symbol.sectionIndex)) +
                         ", which is neither a map, global data nor code");
          }
          linked.slots.push_back(insn);
          linked.origins.push_back({section, slot});
          linked.slots.push_back(next);
          linked.origins.push_back({section, slot + 1});
          ++slot;
          continue;
        } else {
          return Error(from + ": relocation of type " + std::to_string(relocation->type) +
                       " on an instruction that is neither a call nor a 64-bit load");
        }
      } else if (isCall(insn) && insn.src() == PseudoCall) {
        // A pc-relative call inside the section that the assembler resolved itself.
        const std::int64_t target = std::int64_t(slot) + insn.imm + 1;
        auto callee = resolveTarget(section, target, from);
        if (!callee)
          return callee.takeError();
        place(section, *callee);
        pending.push_back({newSlot, section, std::uint64_t(target)});
        linked.relocations.push_back(
            {RelocationKind::SubprogramCall, newSlot, (*callee)->name, ""});
      }
      linked.slots.push_back(insn);
      linked.origins.push_back({section, slot});
    }
  }

  // Every function has its place now: point calls and function addresses at them.
  for (const PendingTarget &target : pending) {
    const FunctionSymbol *function = functionAt(sections[target.section], target.targetSlot);
    for (const Placement &placement : placements)
      if (placement.section == target.section && placement.function == function) {
        const std::int64_t newTarget =
            placement.newFirstSlot + std::int64_t(target.targetSlot - function->firstSlot);
        linked.slots[target.slot].imm = std::int32_t(newTarget - (std::int64_t(target.slot) + 1));
      }
  }
  return linked;
}

} // namespace bpfcheck
