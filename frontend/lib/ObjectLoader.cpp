// The frontend's pipeline for one object: ELF → licence and BTF → maps → code sections
// (CO-RE applied) → one linked, decoded program per entry function → source locations.
#include "bpfcheck/frontend/ObjectLoader.h"

#include "ElfFile.h"
#include "Externs.h"
#include "GlobalFunctions.h"
#include "MapCollector.h"
#include "ProgramLinker.h"
#include "TargetBtf.h"

#include "bpfcheck/frontend/BtfExt.h"
#include "bpfcheck/frontend/CoRe.h"
#include "bpfcheck/frontend/SectionNames.h"
#include "bpfcheck/ir/ControlFlow.h"
#include "bpfcheck/ir/Decoder.h"

#include <bpf/btf.h>
#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

namespace bpfcheck {
namespace {

using encoding::RawInstruction;

/// Reading an object: the state shared by the steps below.
class ObjectReader {
public:
  ObjectReader(const ElfFile &elf, const LoadOptions &options, Object &object)
      : elf(elf), options(options), object(object),
        targetBtf(options.targetBtfPath, options.targetBtf) {}

  Expected<bool> read() {
    readLicenseAndVersion();
    if (auto btfRead = readBtf(); !btfRead)
      return btfRead;
    auto mapIndex = collectMaps(elf, objectBtf.get(), object);
    if (!mapIndex)
      return mapIndex.takeError();
    maps = std::move(*mapIndex);
    auto externIndex = resolveExterns(elf, objectBtf.get(), KconfigSource{options.kconfigPath, {}},
                                      targetBtf, object);
    if (!externIndex)
      return externIndex.takeError();
    externs = std::move(*externIndex);
    if (auto code = collectCodeSections(); !code)
      return code;
    if (auto core = applyCoRe(); !core)
      return core;
    return buildPrograms();
  }

private:
  const ElfFile &elf;
  const LoadOptions &options;
  Object &object;
  TargetBtf targetBtf;
  BtfHandle objectBtf{nullptr, nullptr};
  BtfExtRecords extRecords;
  MapSymbolIndex maps;
  ExternIndex externs;
  std::vector<CodeSection> codeSections;
  std::map<std::string, std::map<std::uint32_t, LineInfoRecord>> linesBySection;
  std::map<std::string, std::map<std::uint32_t, FuncInfoRecord>> functionsBySection;

  void readLicenseAndVersion() {
    if (const ElfSection *license = elf.findSection("license"); license && !license->data.empty()) {
      const auto *text = reinterpret_cast<const char *>(license->data.data());
      object.license.assign(text, strnlen(text, license->data.size()));
    }
    if (const ElfSection *version = elf.findSection("version");
        version && version->data.size() == sizeof(std::uint32_t)) {
      std::uint32_t value;
      std::memcpy(&value, version->data.data(), sizeof value);
      object.kernelVersion = value;
    }
  }

  Expected<bool> readBtf() {
    const ElfSection *btfSection = elf.findSection(".BTF");
    if (btfSection) {
      auto parsed =
          parseBtfBytes(btfSection->data.data(), btfSection->data.size(), "section '.BTF'");
      if (!parsed)
        return parsed.takeError();
      objectBtf = std::move(*parsed);
      if (auto finalised = finaliseDataSections(); !finalised)
        return finalised;
      std::uint32_t size = 0;
      const auto *raw = static_cast<const std::byte *>(btf__raw_data(objectBtf.get(), &size));
      object.btf.assign(raw, raw + size);
    }
    if (const ElfSection *ext = elf.findSection(".BTF.ext")) {
      if (!objectBtf)
        return Error("section '.BTF.ext' is present but the object has no '.BTF'");
      auto records = parseBtfExt(ext->data);
      if (!records)
        return Error("section '.BTF.ext': " + records.error().message);
      extRecords = std::move(*records);
      indexBtfExt();
    }
    return true;
  }

  /// clang leaves DATASEC sizes and variable offsets to the loader: fill them in from the
  /// ELF section sizes and symbol values, as libbpf does, so the kernel accepts the BTF.
  Expected<bool> finaliseDataSections() {
    btf *types = objectBtf.get();
    for (std::uint32_t id = 1; id < btf__type_cnt(types); ++id) {
      auto *type = const_cast<btf_type *>(btf__type_by_id(types, id));
      if (!btf_is_datasec(type))
        continue;
      const std::string name = btfString(type->name_off);
      const ElfSection *section = elf.findSection(name);
      if (!section)
        continue; // externs (.kconfig, .ksyms) have no section
      type->size = std::uint32_t(section->size);
      btf_var_secinfo *variable = btf_var_secinfos(type);
      for (unsigned i = 0; i < btf_vlen(type); ++i, ++variable) {
        const btf_type *var = btf__type_by_id(types, variable->type);
        if (!var || !btf_is_var(var))
          return Error("section '.BTF': DATASEC '" + name + "' entry " + std::to_string(i) +
                       " is not a variable");
        const std::string varName = btfString(var->name_off);
        for (const ElfSymbol &symbol : elf.symbols())
          if (symbol.sectionIndex == section->index && symbol.name == varName &&
              symbol.type == STT_OBJECT)
            variable->offset = std::uint32_t(symbol.value);
      }
    }
    return true;
  }

  std::string btfString(std::uint32_t offset) const {
    const char *text = objectBtf ? btf__name_by_offset(objectBtf.get(), offset) : nullptr;
    return text ? text : "";
  }

  std::optional<std::size_t> codeSectionNamed(const std::string &name) const {
    for (std::size_t i = 0; i < codeSections.size(); ++i)
      if (codeSections[i].section->name == name)
        return i;
    return std::nullopt;
  }

  /// Every target of a local call starts a function, even without a function symbol
  /// (hand-written assembly calls plain labels).
  void addCallTargets(CodeSection &code) const {
    std::map<std::uint64_t, std::string> targets;
    for (std::uint64_t slot = 0; slot < code.slots.size(); ++slot) {
      const RawInstruction &insn = code.slots[slot];
      if (insn.opcode != (encoding::ClassJmp | encoding::JmpCall) ||
          insn.src() != encoding::PseudoCall)
        continue;
      const auto relocation =
          std::find_if(code.relocations.begin(), code.relocations.end(),
                       [&](const ElfRelocation &r) { return r.offset == slot * 8; });
      std::int64_t target = std::int64_t(slot) + insn.imm + 1;
      std::string name;
      if (relocation != code.relocations.end()) {
        const ElfSymbol &symbol = elf.symbols()[relocation->symbol];
        if (symbol.sectionIndex != code.section->index)
          continue;
        target = std::int64_t(symbol.value / 8) + insn.imm + 1;
        if (symbol.type != STT_SECTION && target == std::int64_t(symbol.value / 8))
          name = symbol.name;
      }
      if (target >= 0 && std::uint64_t(target) < code.slots.size())
        targets.emplace(std::uint64_t(target),
                        name.empty() ? "func@" + std::to_string(target) : name);
    }
    for (const auto &[slot, name] : targets) {
      const bool known = std::any_of(code.functions.begin(), code.functions.end(),
                                     [&](const FunctionSymbol &f) { return f.firstSlot == slot; });
      if (!known)
        code.functions.push_back({name, slot, 0, false});
    }
  }

  Expected<bool> collectCodeSections() {
    for (const ElfSection &section : elf.sections()) {
      if (!section.isExecutable() || section.data.empty())
        continue;
      if (section.data.size() % sizeof(RawInstruction) != 0)
        return Error("section '" + section.name + "': size " + std::to_string(section.data.size()) +
                     " is not a multiple of the instruction size (8)");
      CodeSection code;
      code.section = &section;
      code.slots.resize(section.data.size() / sizeof(RawInstruction));
      std::memcpy(code.slots.data(), section.data.data(), section.data.size());
      auto relocations = elf.relocationsFor(section.index);
      if (!relocations)
        return relocations.takeError();
      code.relocations = std::move(*relocations);
      for (const ElfSymbol &symbol : elf.symbols()) {
        if (symbol.sectionIndex != section.index || symbol.type != STT_FUNC)
          continue;
        if (symbol.value % 8 != 0 || symbol.value >= section.data.size())
          return Error("section '" + section.name + "': function '" + symbol.name +
                       "' starts at byte " + std::to_string(symbol.value) +
                       ", not at an instruction inside the section");
        code.functions.push_back({symbol.name, symbol.value / 8, 0, symbol.binding != STB_LOCAL});
        code.functions.back().endSlot = symbol.size ? (symbol.value + symbol.size + 7) / 8 : 0;
      }
      addCallTargets(code);
      std::sort(code.functions.begin(), code.functions.end(),
                [](const FunctionSymbol &a, const FunctionSymbol &b) {
                  return a.firstSlot < b.firstSlot;
                });
      if (code.functions.empty() || code.functions.front().firstSlot != 0)
        code.functions.insert(code.functions.begin(), {section.name, 0, 0, true});
      // A function without a size runs to the next one (hand-written assembly).
      for (std::size_t i = 0; i < code.functions.size(); ++i) {
        const std::uint64_t next =
            i + 1 < code.functions.size() ? code.functions[i + 1].firstSlot : code.slots.size();
        FunctionSymbol &function = code.functions[i];
        if (function.endSlot == 0 || function.endSlot > next)
          function.endSlot = next;
        if (function.endSlot <= function.firstSlot)
          return Error("section '" + section.name + "': function '" + function.name +
                       "' overlaps the function after it");
      }
      codeSections.push_back(std::move(code));
    }
    return true;
  }

  Expected<bool> applyCoRe() {
    CoReCandidateCache candidates; // one per object and target, as libbpf keeps it
    for (const auto &[sectionName, records] : extRecords.coreRelocations) {
      const std::string name = btfString(sectionName);
      const auto index = codeSectionNamed(name);
      if (!index)
        return Error("section '.BTF.ext': CO-RE relocations for section '" + name +
                     "', which is not a code section");
      CodeSection &code = codeSections[*index];
      for (const CoReRecord &record : records) {
        const std::string where = "section '" + name + "', insn " +
                                  std::to_string(record.insnOffset / 8) + ": CO-RE relocation";
        if (record.insnOffset % 8 != 0 || record.insnOffset / 8 >= code.slots.size())
          return Error(where + " at byte " + std::to_string(record.insnOffset) +
                       " is not at an instruction of the section");
        auto target = targetBtf.get(where);
        if (!target)
          return target.takeError();
        const std::string access = btfString(record.accessStringOffset);
        auto resolution = resolveCoRe(*objectBtf, **target, record, access, candidates);
        if (!resolution)
          return Error(where + ": " + resolution.error().message);
        auto patched = patchCoRe(code.slots, record.insnOffset / 8, record, *resolution);
        if (!patched)
          return Error(where + ": " + patched.error().message);
        code.coreRelocations.push_back(
            {record.insnOffset / 8,
             AppliedRelocation{RelocationKind::CoRe, 0, access, resolution->description}});
      }
    }
    return true;
  }

  /// Line and function records by section name and byte offset.
  void indexBtfExt() {
    for (const auto &[nameOffset, records] : extRecords.lineInfo)
      for (const LineInfoRecord &record : records)
        linesBySection[btfString(nameOffset)][record.insnOffset] = record;
    for (const auto &[nameOffset, records] : extRecords.funcInfo)
      for (const FuncInfoRecord &record : records)
        functionsBySection[btfString(nameOffset)][record.insnOffset] = record;
  }

  /// Source locations and the func_info / line_info records of a linked program.
  void attachBtfRecords(const LinkedProgram &linked, Program &program) const {
    for (std::uint32_t slot = 0; slot < linked.origins.size(); ++slot) {
      const SlotOrigin &origin = linked.origins[slot];
      const std::string &sectionName = codeSections[origin.codeSection].section->name;
      const std::uint32_t byte = std::uint32_t(origin.slot * 8);
      if (auto lines = linesBySection.find(sectionName); lines != linesBySection.end())
        if (auto line = lines->second.find(byte); line != lines->second.end()) {
          program.lineInfo.push_back(line->second);
          program.lineInfo.back().insnOffset = slot;
        }
      if (auto functions = functionsBySection.find(sectionName);
          functions != functionsBySection.end())
        if (auto function = functions->second.find(byte);
            function != functions->second.end() && linked.functionNames.count(slot))
          program.funcInfo.push_back({slot, function->second.typeId});
    }
    // Each instruction takes the location of the closest line record at or before it.
    ProgramCode &code = program.code;
    std::size_t next = 0;
    const LineInfoRecord *current = nullptr;
    for (std::size_t i = 0; i < code.instructions.size(); ++i) {
      while (next < program.lineInfo.size() &&
             program.lineInfo[next].insnOffset <= code.instructions[i].pc)
        current = &program.lineInfo[next++];
      if (current)
        code.locations[i] = SourceLocation{btfString(current->fileNameOffset), current->line,
                                           current->column, btfString(current->lineOffset)};
    }
  }

  Expected<bool> buildPrograms() {
    for (std::size_t index = 0; index < codeSections.size(); ++index) {
      const CodeSection &code = codeSections[index];
      if (code.section->name == ".text")
        continue; // subprograms only
      // A leading '?' only turns autoload off (libbpf); the rest names the type.
      std::string_view sectionName = code.section->name;
      const bool autoload = !sectionName.starts_with('?');
      if (!autoload)
        sectionName.remove_prefix(1);
      std::optional<SectionMeaning> meaning = classifySection(sectionName);
      if (options.programType)
        meaning =
            SectionMeaning{*options.programType, options.attachType,
                           meaning ? meaning->attachTarget : "", meaning && meaning->sleepable};
      else if (meaning && options.attachType)
        meaning->expectedAttachType = options.attachType;
      if (!meaning) {
        object.warnings.push_back("section '" + code.section->name +
                                  "': no program type is known for this section name; its "
                                  "programs are skipped (give one with --type)");
        continue;
      }
      for (const FunctionSymbol &function : code.functions) {
        if (!function.isGlobal)
          continue; // static functions in program sections are subprograms
        Program program = buildProgram(index, function, *meaning);
        program.autoload = autoload;
        object.programs.push_back(std::move(program));
      }
    }
    assignStructOpsMembers();
    return true;
  }

  /// Tells each struct_ops program which kernel struct member it implements.
  void assignStructOpsMembers() {
    for (const MapDefinition &map : object.maps) {
      if (map.origin != MapOrigin::StructOps)
        continue;
      const std::string type = map.btfTypeName.substr(0, map.btfTypeName.find("___"));
      for (const MapSlotInitializer &slot : map.initialSlots)
        for (Program &program : object.programs)
          if (program.name == slot.target && program.type == ProgramType::StructOps) {
            program.structOpsType = type;
            program.structOpsMember = slot.member;
          }
    }
  }

  /// Links, decodes and builds one program; a malformed program comes back with its
  /// problem in `malformed` (and no code) rather than failing the whole object.
  Program buildProgram(std::size_t section, const FunctionSymbol &entry,
                       const SectionMeaning &meaning) {
    Program program;
    program.name = entry.name;
    program.section = codeSections[section].section->name;
    program.type = meaning.type;
    program.expectedAttachType = meaning.expectedAttachType;
    program.attachTarget = meaning.attachTarget;
    program.sleepable = meaning.sleepable;
    ProgramLinker linker(elf, codeSections, maps, externs, object, targetBtf);
    auto linked = linker.link(section, entry);
    if (!linked) {
      program.malformed = linked.error().message;
      return program;
    }
    program.slots = linked->slots;
    auto decoded = decodeProgram(linked->slots);
    if (!decoded) {
      program.malformed = decoded.error().message;
      return program;
    }
    auto code = buildProgramCode(std::move(*decoded), linked->functionNames);
    if (!code) {
      program.malformed = code.error().message;
      return program;
    }
    program.slots = std::move(linked->slots);
    program.code = std::move(*code);
    program.mapsUsed = std::move(linked->mapsUsed);
    program.relocations = std::move(linked->relocations);
    attachBtfRecords(*linked, program);
    program.globalFunctions = describeGlobalFunctions(program, objectBtf.get());
    program.functionReturns = describeFunctionReturns(program, objectBtf.get());
    return program;
  }
};

} // namespace

const Program *Object::findProgram(std::string_view name) const {
  for (const Program &program : programs)
    if (program.name == name)
      return &program;
  return nullptr;
}

std::optional<std::size_t> Object::findMap(std::string_view name) const {
  for (std::size_t i = 0; i < maps.size(); ++i)
    if (maps[i].name == name)
      return i;
  return std::nullopt;
}

std::string_view nameOf(RelocationKind kind) {
  switch (kind) {
  case RelocationKind::MapReference:
    return "map";
  case RelocationKind::GlobalData:
    return "global data";
  case RelocationKind::SubprogramCall:
    return "subprogram call";
  case RelocationKind::FunctionAddress:
    return "function address";
  case RelocationKind::KfuncCall:
    return "kfunc call";
  case RelocationKind::Kconfig:
    return "kconfig";
  case RelocationKind::KernelVariable:
    return "__ksym variable";
  case RelocationKind::CoRe:
    return "CO-RE";
  }
  return "?";
}

Expected<Object> loadObject(std::span<const std::byte> bytes, const LoadOptions &options,
                            const std::string &name) {
  auto elf = ElfFile::parse(bytes);
  if (!elf)
    return Error(name + ": " + elf.error().message);
  Object object;
  object.path = name;
  ObjectReader reader(*elf, options, object);
  if (auto read = reader.read(); !read)
    return Error(name + ": " + read.error().message);
  return object;
}

Expected<Object> loadObjectFile(const std::string &path, const LoadOptions &options) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return Error(path + ": cannot open the file: " + std::strerror(errno));
  file.seekg(0, std::ios::end);
  const std::streamoff size = file.tellg();
  constexpr std::streamoff MaximumObjectSize = std::streamoff(1) << 30;
  if (size < 0)
    return Error(path + ": cannot read the file (is it a directory?)");
  if (size > MaximumObjectSize)
    return Error(path + ": the file is larger than 1 GiB; it is not a BPF object");
  file.seekg(0);
  std::vector<std::byte> bytes(static_cast<std::size_t>(size));
  if (!file.read(reinterpret_cast<char *>(bytes.data()), size))
    return Error(path + ": cannot read the file");
  return loadObject(bytes, options, path);
}

} // namespace bpfcheck
