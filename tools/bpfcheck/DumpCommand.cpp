// `bpfcheck dump`: what the frontend read from an object, for people.
#include "Commands.h"

#include "bpfcheck/ir/Graphviz.h"
#include "bpfcheck/ir/Printer.h"

#include <llvm/Support/Format.h>
#include <llvm/Support/raw_ostream.h>

namespace bpfcheck::tool {
namespace {

using llvm::outs;

std::string mapTypeText(std::uint32_t type) {
  const std::string_view name = nameOf(MapType(type));
  return name.empty() ? "type " + std::to_string(type) : std::string(name);
}

std::string originText(MapOrigin origin) {
  switch (origin) {
  case MapOrigin::BtfDefined:
    return "BTF-defined";
  case MapOrigin::Legacy:
    return "legacy bpf_map_def";
  case MapOrigin::GlobalData:
    return "global data";
  case MapOrigin::Kconfig:
    return "kconfig externs";
  case MapOrigin::StructOps:
    return "struct_ops";
  }
  return "?";
}

void printMaps(const Object &object) {
  outs() << "maps (" << object.maps.size() << "):\n";
  for (std::size_t i = 0; i < object.maps.size(); ++i) {
    const MapDefinition &map = object.maps[i];
    outs() << "  [" << i << "] " << map.name << ": " << mapTypeText(map.type) << ", key "
           << map.keySize << " B, value " << map.valueSize << " B, max_entries " << map.maxEntries
           << ", flags " << llvm::format_hex(map.flags, 1) << " (" << originText(map.origin)
           << ", section " << map.section << ")";
    if (map.readOnly)
      outs() << ", read-only for programs";
    if (map.pinning == PinningMode::ByName)
      outs() << ", pinned by name";
    if (map.numaNode)
      outs() << ", numa node " << map.numaNode;
    if (map.innerMap)
      outs() << ", inner map [" << *map.innerMap << "] " << object.maps[*map.innerMap].name;
    if (map.isInnerTemplate)
      outs() << ", inner-map template";
    outs() << "\n";
    for (const MapSlotInitializer &slot : map.initialSlots) {
      if (slot.member.empty())
        outs() << "      slot " << slot.index << " = " << slot.target << "\n";
      else
        outs() << "      ." << slot.member << " = " << slot.target << "\n";
    }
  }
}

std::string functionRoleText(FunctionRole role) {
  switch (role) {
  case FunctionRole::Main:
    return "main";
  case FunctionRole::Subprogram:
    return "subprogram";
  case FunctionRole::Callback:
    return "callback";
  }
  return "?";
}

void printDisassembly(const Object &object, const Program &program, RegisterStyle style) {
  const ProgramCode &code = program.code;
  std::optional<std::pair<std::string, std::uint32_t>> lastLine;
  for (std::uint32_t i = 0; i < code.instructions.size(); ++i) {
    for (const Function &function : code.functions)
      if (function.firstInstruction == i)
        outs() << "\n<" << function.name << ">:\n";
    if (const auto &location = code.locations[i]) {
      const auto line = std::make_pair(location->file, location->line);
      if (line != lastLine && !location->text.empty())
        outs() << "; " << location->text << "  [" << location->file << ":" << location->line << ":"
               << location->column << "]\n";
      lastLine = line;
    }
    const PlacedInstruction &placed = code.instructions[i];
    outs() << llvm::format("%6u", placed.pc) << ":\t" << printInstruction(placed.insn, style);
    if (const auto *load = std::get_if<LoadImmediate64>(&placed.insn);
        load &&
        (load->kind == ImmediateKind::MapIndex || load->kind == ImmediateKind::MapIndexValue) &&
        std::size_t(load->imm) < object.maps.size()) {
      outs() << "\t; map " << object.maps[std::size_t(load->imm)].name;
      if (load->kind == ImmediateKind::MapIndexValue)
        outs() << " + " << load->nextImm;
    }
    outs() << "\n";
  }
}

void printProgram(const Object &object, const Program &program, RegisterStyle style) {
  outs() << "\nprogram " << program.name << "\n"
         << "  section: " << program.section << "\n"
         << "  type: " << nameOf(program.type) << "\n"
         << "  expected attach type: "
         << (program.expectedAttachType ? nameOf(*program.expectedAttachType) : "none") << "\n";
  if (!program.attachTarget.empty())
    outs() << "  attach target: " << program.attachTarget << "\n";
  if (!program.structOpsType.empty())
    outs() << "  implements: struct " << program.structOpsType << "." << program.structOpsMember
           << "\n";
  if (program.sleepable)
    outs() << "  sleepable\n";
  if (!program.autoload)
    outs() << "  not loaded by default (section name starts with '?')\n";
  if (!program.malformed.empty()) {
    outs() << "  malformed: " << program.malformed << "\n";
    return;
  }
  outs() << "  instructions: " << program.code.slotCount() << "\n  functions:";
  for (const Function &function : program.code.functions)
    outs() << " " << function.name << " (" << functionRoleText(function.role) << ")";
  outs() << "\n  maps used:";
  for (std::size_t map : program.mapsUsed)
    outs() << " " << object.maps[map].name;
  outs() << "\n  relocations (" << program.relocations.size() << "):\n";
  for (const AppliedRelocation &relocation : program.relocations) {
    outs() << "    insn " << relocation.pc << ": " << nameOf(relocation.kind) << " "
           << relocation.symbol;
    if (!relocation.detail.empty())
      outs() << " (" << relocation.detail << ")";
    outs() << "\n";
  }
  printDisassembly(object, program, style);
}

} // namespace

int runDump(const DumpOptions &options) {
  auto object = loadObjectFile(options.objectPath, options.load);
  if (!object) {
    llvm::errs() << "bpfcheck: error: " << object.error().message << "\n";
    return ExitBadInput;
  }
  std::vector<const Program *> selected;
  for (const Program &program : object->programs)
    if (options.programName.empty() || program.name == options.programName)
      selected.push_back(&program);
  if (!options.programName.empty() && selected.empty()) {
    llvm::errs() << "bpfcheck: error: " << options.objectPath << ": no program named '"
                 << options.programName << "'; the object has:";
    for (const Program &program : object->programs)
      llvm::errs() << " " << program.name;
    llvm::errs() << "\n";
    return ExitBadInput;
  }
  const RegisterStyle style = options.alu32Registers ? RegisterStyle::Alu32 : RegisterStyle::Plain;
  if (options.cfgDot) {
    for (const Program *program : selected)
      outs() << writeGraphviz(program->code, program->name, style);
    return ExitSuccess;
  }
  for (const std::string &warning : object->warnings)
    llvm::errs() << "bpfcheck: warning: " << options.objectPath << ": " << warning << "\n";
  outs() << "object: " << object->path << "\n"
         << "license: " << (object->license.empty() ? "(none)" : object->license) << "\n";
  if (object->kernelVersion)
    outs() << "kernel version: " << llvm::format_hex(*object->kernelVersion, 1) << "\n";
  outs() << "programs: " << object->programs.size() << "\n";
  printMaps(*object);
  for (const Program *program : selected)
    printProgram(*object, *program, style);
  return ExitSuccess;
}

} // namespace bpfcheck::tool
