#include "ElfFile.h"

#include <algorithm>
#include <cstring>
#include <gelf.h>
#include <libelf.h>

namespace bpfcheck {
namespace {

constexpr std::uint16_t MachineBpf = 247; // EM_BPF

std::string sectionLabel(const ElfSection &section) {
  return "section '" + section.name + "' (index " + std::to_string(section.index) + ")";
}

std::string libelfMessage() {
  const char *message = elf_errmsg(-1);
  return message ? message : "unknown libelf error";
}

} // namespace

bool ElfSection::isExecutable() const {
  return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0;
}

Expected<ElfFile> ElfFile::parse(std::span<const std::byte> input) {
  if (elf_version(EV_CURRENT) == EV_NONE)
    return Error("libelf could not be initialised: " + libelfMessage());
  ElfFile file;
  file.bytes = std::make_shared<std::vector<std::byte>>(input.begin(), input.end());
  if (input.size() < EI_NIDENT || std::memcmp(input.data(), ELFMAG, SELFMAG) != 0)
    return Error("not an ELF file (bad magic number at offset 0)");

  auto &buffer = *file.bytes;
  std::unique_ptr<Elf, decltype(&elf_end)> elf(
      elf_memory(reinterpret_cast<char *>(buffer.data()), buffer.size()), &elf_end);
  if (!elf)
    return Error("cannot read the ELF header: " + libelfMessage());
  if (elf_kind(elf.get()) != ELF_K_ELF)
    return Error("not an ELF object file");

  GElf_Ehdr header;
  if (!gelf_getehdr(elf.get(), &header))
    return Error("cannot read the ELF header: " + libelfMessage());
  if (header.e_ident[EI_CLASS] != ELFCLASS64)
    return Error("not a 64-bit ELF object (EI_CLASS at offset 4); BPF objects are ELF64");
  if (header.e_ident[EI_DATA] != ELFDATA2LSB)
    return Error("big-endian BPF objects (bpfeb) are not supported (EI_DATA at offset 5)");
  if (header.e_machine != MachineBpf)
    return Error("not a BPF object: e_machine is " + std::to_string(header.e_machine) +
                 ", expected 247 (EM_BPF)");
  if (header.e_type != ET_REL)
    return Error("not a relocatable object (e_type " + std::to_string(header.e_type) +
                 "); bpfcheck reads the .o files clang produces");

  std::size_t sectionCount = 0;
  if (elf_getshdrnum(elf.get(), &sectionCount) != 0)
    return Error("cannot count the section headers: " + libelfMessage());
  if (header.e_shentsize != sizeof(Elf64_Shdr) && sectionCount != 0)
    return Error("section header size " + std::to_string(header.e_shentsize) +
                 " is not 64 (e_shentsize at offset 58)");
  if (header.e_shoff > buffer.size() ||
      sectionCount > (buffer.size() - header.e_shoff) / sizeof(Elf64_Shdr))
    return Error("the section header table (" + std::to_string(sectionCount) +
                 " headers at offset " + std::to_string(header.e_shoff) +
                 ") runs past the end of the file (" + std::to_string(buffer.size()) + " bytes)");
  if (sectionCount == 0)
    return Error("the object has no sections (e_shnum at offset 60 is 0)");

  std::size_t namesIndex = 0;
  if (elf_getshdrstrndx(elf.get(), &namesIndex) != 0)
    return Error("cannot find the section name table: " + libelfMessage());

  for (Elf_Scn *scn = elf_nextscn(elf.get(), nullptr); scn; scn = elf_nextscn(elf.get(), scn)) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr))
      return Error("cannot read section header " + std::to_string(elf_ndxscn(scn)) + ": " +
                   libelfMessage());
    ElfSection section;
    section.index = elf_ndxscn(scn);
    const char *name = elf_strptr(elf.get(), namesIndex, shdr.sh_name);
    if (!name)
      return Error("section header " + std::to_string(section.index) +
                   " has an invalid name offset " + std::to_string(shdr.sh_name));
    section.name = name;
    section.type = shdr.sh_type;
    section.flags = shdr.sh_flags;
    section.link = shdr.sh_link;
    section.info = shdr.sh_info;
    section.size = shdr.sh_size;
    if (shdr.sh_type != SHT_NOBITS && shdr.sh_size != 0) {
      if (shdr.sh_offset > buffer.size() || shdr.sh_size > buffer.size() - shdr.sh_offset)
        return Error(sectionLabel(section) + ": contents at offset " +
                     std::to_string(shdr.sh_offset) + " (" + std::to_string(shdr.sh_size) +
                     " bytes) run past the end of the file (" + std::to_string(buffer.size()) +
                     " bytes)");
      section.data = std::span<const std::byte>(buffer).subspan(shdr.sh_offset, shdr.sh_size);
    }
    if (file.allSections.size() < section.index)
      file.allSections.resize(section.index);
    file.allSections.push_back(std::move(section));
    if (shdr.sh_type == SHT_SYMTAB) {
      if (file.symbolTable)
        return Error(sectionLabel(file.allSections.back()) + ": a second symbol table");
      file.symbolTable = file.allSections.back().index;
    }
  }

  if (file.symbolTable) {
    const ElfSection &symtab = file.allSections[*file.symbolTable];
    if (symtab.link >= file.allSections.size() || file.allSections[symtab.link].type != SHT_STRTAB)
      return Error(sectionLabel(symtab) + ": sh_link " + std::to_string(symtab.link) +
                   " does not name a string table");
    Elf_Scn *scn = elf_getscn(elf.get(), symtab.index);
    Elf_Data *data = scn ? elf_getdata(scn, nullptr) : nullptr;
    const std::size_t count = symtab.size / sizeof(Elf64_Sym);
    if (symtab.size % sizeof(Elf64_Sym) != 0)
      return Error(sectionLabel(symtab) + ": size " + std::to_string(symtab.size) +
                   " is not a multiple of the symbol size (24)");
    for (std::size_t i = 0; i < count; ++i) {
      GElf_Sym sym;
      if (!data || !gelf_getsym(data, int(i), &sym))
        return Error(sectionLabel(symtab) + ": cannot read symbol " + std::to_string(i) +
                     " at offset " + std::to_string(i * sizeof(Elf64_Sym)));
      ElfSymbol symbol;
      symbol.index = i;
      const char *name = elf_strptr(elf.get(), symtab.link, sym.st_name);
      if (!name)
        return Error(sectionLabel(symtab) + ": symbol " + std::to_string(i) +
                     " has an invalid name offset " + std::to_string(sym.st_name));
      symbol.name = name;
      symbol.value = sym.st_value;
      symbol.size = sym.st_size;
      symbol.type = GELF_ST_TYPE(sym.st_info);
      symbol.binding = GELF_ST_BIND(sym.st_info);
      symbol.sectionIndex = sym.st_shndx;
      if (symbol.sectionIndex != SHN_UNDEF && symbol.sectionIndex < SHN_LORESERVE &&
          symbol.sectionIndex >= file.allSections.size())
        return Error(sectionLabel(symtab) + ": symbol '" + symbol.name +
                     "' refers to section index " + std::to_string(symbol.sectionIndex) +
                     ", which does not exist");
      file.allSymbols.push_back(std::move(symbol));
    }
  }
  // The section name table and the other spans point into `buffer`, which the ElfFile
  // keeps alive; libelf's handle is no longer needed.
  return file;
}

const ElfSection *ElfFile::findSection(std::string_view name) const {
  for (const ElfSection &section : allSections)
    if (section.name == name)
      return &section;
  return nullptr;
}

Expected<std::vector<ElfRelocation>> ElfFile::relocationsFor(std::size_t target) const {
  std::vector<ElfRelocation> relocations;
  for (const ElfSection &section : allSections) {
    if (section.type == SHT_RELA && section.info == target)
      return Error(sectionLabel(section) + ": RELA relocations are not used by BPF objects");
    if (section.type != SHT_REL || section.info != target)
      continue;
    if (!symbolTable || section.link != *symbolTable)
      return Error(sectionLabel(section) + ": sh_link does not name the symbol table");
    if (section.data.size() % sizeof(Elf64_Rel) != 0)
      return Error(sectionLabel(section) + ": size " + std::to_string(section.data.size()) +
                   " is not a multiple of the relocation size (16)");
    const std::uint64_t targetSize = allSections[target].size;
    for (std::size_t offset = 0; offset < section.data.size(); offset += sizeof(Elf64_Rel)) {
      Elf64_Rel rel;
      std::memcpy(&rel, section.data.data() + offset, sizeof rel);
      ElfRelocation relocation{rel.r_offset, std::uint32_t(ELF64_R_SYM(rel.r_info)),
                               std::uint32_t(ELF64_R_TYPE(rel.r_info))};
      if (relocation.symbol >= allSymbols.size())
        return Error(sectionLabel(section) + ": relocation at offset " + std::to_string(offset) +
                     " names symbol " + std::to_string(relocation.symbol) +
                     ", past the end of the symbol table");
      if (relocation.offset >= targetSize)
        return Error(sectionLabel(section) + ": relocation at offset " + std::to_string(offset) +
                     " patches byte " + std::to_string(relocation.offset) + " of " +
                     sectionLabel(allSections[target]) + ", which has " +
                     std::to_string(targetSize) + " bytes");
      relocations.push_back(relocation);
    }
  }
  std::sort(relocations.begin(), relocations.end(),
            [](const ElfRelocation &a, const ElfRelocation &b) { return a.offset < b.offset; });
  return relocations;
}

} // namespace bpfcheck
