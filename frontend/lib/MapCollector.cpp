// Map definitions follow libbpf 1.x: BTF-defined maps are variables of an anonymous struct
// type in the `.maps` data section whose members encode the attributes (`__uint(name, N)`
// is a pointer to an array of N elements, `__type(name, T)` a pointer to T, `__array(values,
// T)` a flexible array of pointers to T); legacy maps are equal-sized records in `maps`.
#include "MapCollector.h"

#include "CoReSpec.h"
#include "MapValueFieldFinder.h"

#include <bpf/btf.h>
#include <elf.h>

#include <algorithm>
#include <cstring>

namespace bpfcheck {
namespace {

/// The type `id` names, past modifiers and typedefs; `id` becomes that type's id.
const btf_type *skipModifiers(const btf &types, std::uint32_t &id) {
  return core::skipModifiersAndTypedefs(types, id, &id);
}

constexpr std::uint32_t MapFlagReadOnlyProgram = 1U << 7; // BPF_F_RDONLY_PROG
constexpr std::uint32_t MapFlagMmapable = 1U << 10;       // BPF_F_MMAPABLE
constexpr std::uint32_t RelocationAbsolute64 = 2;         // R_BPF_64_ABS64

/// Parses BTF-defined map attributes from a struct type.
class BtfMapParser {
public:
  BtfMapParser(const ElfFile &elf, const btf *types, Object &object, const ElfSection &section)
      : elf(elf), types(types), object(object), section(section) {}

  Expected<std::size_t> parse(const std::string &name, std::uint32_t structId,
                              std::uint64_t symbolOffset, bool isInner) {
    const std::string where = "map '" + name + "' in section '" + section.name + "'";
    std::uint32_t id = structId;
    const btf_type *type = skipModifiers(*types, id);
    if (!type || !btf_is_struct(type))
      return Error(where + ": its BTF type (id " + std::to_string(structId) + ") is not a struct");
    MapDefinition map;
    map.name = name;
    map.section = section.name;
    map.origin = MapOrigin::BtfDefined;
    map.isInnerTemplate = isInner;
    std::optional<std::uint32_t> valuesMemberOffset;
    std::uint32_t valuesElementType = 0;

    const btf_member *member = btf_members(type);
    for (unsigned i = 0; i < btf_vlen(type); ++i, ++member) {
      const char *memberName = btf__name_by_offset(types, member->name_off);
      const std::string field = memberName ? memberName : "";
      const std::string fieldWhere = where + ", field '" + field + "'";
      std::uint32_t memberType = member->type;
      const btf_type *resolved = skipModifiers(*types, memberType);
      if (!resolved)
        return Error(fieldWhere + ": invalid BTF type id " + std::to_string(member->type));

      if (field == "values") {
        if (!btf_is_array(resolved) || btf_array(resolved)->nelems != 0)
          return Error(fieldWhere + ": must be a flexible array of pointers (__array)");
        std::uint32_t elementId = btf_array(resolved)->type;
        const btf_type *element = skipModifiers(*types, elementId);
        if (!element || !btf_is_ptr(element))
          return Error(fieldWhere + ": elements must be pointers");
        valuesElementType = element->type;
        valuesMemberOffset = btf_member_bit_offset(type, i) / 8;
        continue;
      }
      if (field == "key" || field == "value") {
        if (!btf_is_ptr(resolved))
          return Error(fieldWhere + ": must be a pointer (__type)");
        const long size = btf__resolve_size(types, resolved->type);
        if (size < 0)
          return Error(fieldWhere + ": cannot compute the size of its type");
        (field == "key" ? map.keySize : map.valueSize) = std::uint32_t(size);
        (field == "key" ? map.keyTypeId : map.valueTypeId) = resolved->type;
        continue;
      }
      // Every other attribute is __uint(field, N), a pointer to an array of N elements, or
      // __ulong(field, N), an enum whose one enumerator is N (for 64-bit values).
      std::uint64_t value = 0;
      std::uint32_t arrayId = resolved->type;
      const btf_type *array = btf_is_ptr(resolved) ? skipModifiers(*types, arrayId) : nullptr;
      if (array && btf_is_array(array)) {
        value = btf_array(array)->nelems;
      } else if (btf_is_enum(resolved) && btf_vlen(resolved) == 1) {
        value = std::uint32_t(btf_enum(resolved)->val);
      } else if (btf_is_enum64(resolved) && btf_vlen(resolved) == 1) {
        value =
            (std::uint64_t(btf_enum64(resolved)->val_hi32) << 32) | btf_enum64(resolved)->val_lo32;
      } else {
        return Error(fieldWhere + ": must be declared with __uint (a pointer to an array) or "
                                  "__ulong (a one-value enum)");
      }
      if (field != "map_extra" && value > 0xffffffffu)
        return Error(fieldWhere + ": value " + std::to_string(value) + " does not fit 32 bits");
      const auto value32 = std::uint32_t(value);
      if (field == "type")
        map.type = value32;
      else if (field == "max_entries")
        map.maxEntries = value32;
      else if (field == "map_flags")
        map.flags = value32;
      else if (field == "numa_node")
        map.numaNode = value32;
      else if (field == "key_size")
        map.keySize = value32;
      else if (field == "value_size")
        map.valueSize = value32;
      else if (field == "map_extra")
        map.mapExtra = value;
      else if (field == "pinning") {
        if (value > 1)
          return Error(fieldWhere + ": unknown pinning mode " + std::to_string(value));
        map.pinning = PinningMode(value);
      } else
        return Error(fieldWhere + ": unknown map attribute");
    }
    if (valuesMemberOffset) {
      // `values` holds file descriptors: the value size is theirs (as libbpf sets it).
      if (map.valueSize != 0 && map.valueSize != 4)
        return Error(where + ": value size " + std::to_string(map.valueSize) +
                     " conflicts with 'values', whose entries are 4-byte descriptors");
      map.valueSize = 4;
    }
    if (map.type == 0 && !isInner)
      return Error(where + ": no map type (missing __uint(type, ...))");
    if (map.type != 0 && !isKnownMapType(map.type))
      return Error(where + ": unknown map type " + std::to_string(map.type));

    if (map.valueTypeId != 0)
      map.valueFields = findMapValueFields(*types, map.valueTypeId);
    const std::size_t index = object.maps.size();
    object.maps.push_back(map);
    if (valuesMemberOffset) {
      auto initialised = parseValues(index, valuesElementType, symbolOffset + *valuesMemberOffset);
      if (!initialised)
        return initialised.takeError();
    }
    return index;
  }

private:
  const ElfFile &elf;
  const btf *types;
  Object &object;
  const ElfSection &section;

  bool isMapOfMaps(std::uint32_t type) const {
    return type == std::uint32_t(MapType::ArrayOfMaps) ||
           type == std::uint32_t(MapType::HashOfMaps);
  }

  Expected<bool> parseValues(std::size_t outer, std::uint32_t elementType,
                             std::uint64_t valuesOffset) {
    const std::string where = "map '" + object.maps[outer].name + "'";
    const std::uint32_t mapType = object.maps[outer].type;
    if (isMapOfMaps(mapType)) {
      auto inner = parse(object.maps[outer].name + ".inner", elementType, 0, true);
      if (!inner)
        return inner.takeError();
      object.maps[outer].innerMap = *inner;
    } else if (mapType != std::uint32_t(MapType::ProgArray)) {
      return Error(where + ": only prog arrays and maps of maps may have initial values");
    }
    // Initial slots are ABS64 relocations inside the values array.
    auto relocations = elf.relocationsFor(section.index);
    if (!relocations)
      return relocations.takeError();
    const std::uint64_t end = valuesOffset + 8ull * object.maps[outer].maxEntries;
    for (const ElfRelocation &relocation : *relocations) {
      if (relocation.offset < valuesOffset || relocation.offset >= end)
        continue;
      if (relocation.type != RelocationAbsolute64)
        return Error(where + ": initial value at section offset " +
                     std::to_string(relocation.offset) + " has relocation type " +
                     std::to_string(relocation.type) + ", expected R_BPF_64_ABS64");
      const ElfSymbol &symbol = elf.symbols()[relocation.symbol];
      object.maps[outer].initialSlots.push_back(
          {std::uint32_t((relocation.offset - valuesOffset) / 8), symbol.name});
    }
    return true;
  }
};

Expected<bool> collectBtfMaps(const ElfFile &elf, const btf *types, Object &object,
                              MapSymbolIndex &index) {
  const ElfSection *section = elf.findSection(".maps");
  if (!section)
    return true;
  if (!types)
    return Error("section '.maps' holds BTF-defined maps but the object has no .BTF section");
  BtfMapParser parser(elf, types, object, *section);
  for (const ElfSymbol &symbol : elf.symbols()) {
    if (symbol.sectionIndex != section->index || symbol.type == STT_SECTION || symbol.name.empty())
      continue;
    // The map variable's type comes from BTF: a VAR of the same name.
    const int varId = btf__find_by_name_kind(types, symbol.name.c_str(), BTF_KIND_VAR);
    if (varId <= 0)
      return Error("map '" + symbol.name + "' in section '.maps' has no BTF variable");
    const btf_type *var = btf__type_by_id(types, std::uint32_t(varId));
    auto mapIndex = parser.parse(symbol.name, var->type, symbol.value, false);
    if (!mapIndex)
      return mapIndex.takeError();
    index.definitions.emplace_back(section->index, symbol.value, *mapIndex);
  }
  return true;
}

Expected<bool> collectLegacyMaps(const ElfFile &elf, Object &object, MapSymbolIndex &index) {
  const ElfSection *section = elf.findSection("maps");
  if (!section)
    return true;
  std::vector<const ElfSymbol *> symbols;
  for (const ElfSymbol &symbol : elf.symbols())
    if (symbol.sectionIndex == section->index && symbol.type != STT_SECTION && !symbol.name.empty())
      symbols.push_back(&symbol);
  if (symbols.empty())
    return true;
  // Every record has the same size: the section divided by the number of maps (libbpf).
  const std::size_t recordSize = section->data.size() / symbols.size();
  const std::size_t minimumSize = 4 * sizeof(std::uint32_t); // type, key, value, max_entries
  if (recordSize < minimumSize || section->data.size() % symbols.size() != 0)
    return Error("section 'maps': " + std::to_string(section->data.size()) + " bytes for " +
                 std::to_string(symbols.size()) +
                 " maps is not a whole number of struct bpf_map_def records");
  for (const ElfSymbol *symbol : symbols) {
    if (symbol->value % recordSize != 0 || symbol->value + recordSize > section->data.size())
      return Error("section 'maps': map '" + symbol->name + "' at offset " +
                   std::to_string(symbol->value) + " is not at a record boundary");
    std::uint32_t fields[7] = {};
    std::memcpy(fields, section->data.data() + symbol->value, std::min(recordSize, sizeof fields));
    MapDefinition map;
    map.name = symbol->name;
    map.section = section->name;
    map.origin = MapOrigin::Legacy;
    map.type = fields[0];
    map.keySize = fields[1];
    map.valueSize = fields[2];
    map.maxEntries = fields[3];
    map.flags = fields[4];
    map.numaNode = recordSize >= 7 * sizeof(std::uint32_t) ? fields[6] : 0;
    if (!isKnownMapType(map.type))
      return Error("section 'maps': map '" + map.name + "' has unknown map type " +
                   std::to_string(map.type));
    index.definitions.emplace_back(section->index, symbol->value, object.maps.size());
    object.maps.push_back(std::move(map));
  }
  return true;
}

/// struct_ops maps: each variable of `.struct_ops` (or `.struct_ops.link`, which also sets
/// BPF_F_LINK) is a struct of a kernel ops type; relocations in it name the programs that
/// implement its function-pointer members.
Expected<bool> collectStructOps(const ElfFile &elf, const btf *types, Object &object) {
  constexpr std::uint32_t MapFlagLink = 1U << 13; // BPF_F_LINK
  for (const char *sectionName : {".struct_ops", ".struct_ops.link"}) {
    const ElfSection *section = elf.findSection(sectionName);
    if (!section)
      continue;
    if (!types)
      return Error(std::string("section '") + sectionName + "' needs the object's .BTF");
    auto relocations = elf.relocationsFor(section->index);
    if (!relocations)
      return relocations.takeError();
    for (const ElfSymbol &symbol : elf.symbols()) {
      if (symbol.sectionIndex != section->index || symbol.type != STT_OBJECT)
        continue;
      const std::string where = "struct_ops map '" + symbol.name + "'";
      const int varId = btf__find_by_name_kind(types, symbol.name.c_str(), BTF_KIND_VAR);
      if (varId <= 0)
        return Error(where + " has no BTF variable");
      std::uint32_t typeId = btf__type_by_id(types, std::uint32_t(varId))->type;
      const btf_type *type = skipModifiers(*types, typeId);
      if (!type || !btf_is_struct(type))
        return Error(where + ": its type is not a struct");
      MapDefinition map;
      map.name = symbol.name;
      map.section = sectionName;
      map.origin = MapOrigin::StructOps;
      map.type = std::uint32_t(MapType::StructOps);
      map.keySize = 4;
      map.valueSize = type->size;
      map.maxEntries = 1;
      map.flags = std::string_view(sectionName).ends_with(".link") ? MapFlagLink : 0;
      map.valueTypeId = typeId;
      const char *typeName = btf__name_by_offset(types, type->name_off);
      map.btfTypeName = typeName ? typeName : "";
      for (const ElfRelocation &relocation : *relocations) {
        if (relocation.offset < symbol.value || relocation.offset >= symbol.value + type->size)
          continue;
        const std::uint64_t bitOffset = (relocation.offset - symbol.value) * 8;
        const btf_member *member = btf_members(type);
        for (unsigned i = 0; i < btf_vlen(type); ++i, ++member)
          if (btf_member_bit_offset(type, i) == bitOffset) {
            const char *memberName = btf__name_by_offset(types, member->name_off);
            map.initialSlots.push_back(
                {i, elf.symbols()[relocation.symbol].name, memberName ? memberName : ""});
          }
      }
      map.initialData.assign(symbol.value + type->size <= section->data.size()
                                 ? section->data.begin() + std::ptrdiff_t(symbol.value)
                                 : section->data.end(),
                             symbol.value + type->size <= section->data.size()
                                 ? section->data.begin() + std::ptrdiff_t(symbol.value + type->size)
                                 : section->data.end());
      object.maps.push_back(std::move(map));
    }
  }
  return true;
}

Expected<bool> collectGlobalData(const ElfFile &elf, Object &object, MapSymbolIndex &index) {
  for (const ElfSection &section : elf.sections()) {
    if (!isGlobalDataSection(section.name) || section.size == 0)
      continue;
    if (section.size > 0xffffffffu)
      return Error("section '" + section.name + "': " + std::to_string(section.size) +
                   " bytes is too large for a map value");
    MapDefinition map;
    map.name = section.name;
    map.section = section.name;
    map.origin = MapOrigin::GlobalData;
    map.type = std::uint32_t(MapType::Array);
    map.keySize = 4;
    map.valueSize = std::uint32_t(section.size);
    map.maxEntries = 1;
    map.readOnly = section.name.starts_with(".rodata");
    map.flags = MapFlagMmapable | (map.readOnly ? MapFlagReadOnlyProgram : 0);
    // A NOBITS section (.bss) is all zero and has no bytes in the file: its contents stay
    // implicit, so a hostile size costs no memory.
    if (section.type != SHT_NOBITS)
      map.initialData.assign(section.data.begin(), section.data.end());
    index.dataSections.emplace_back(section.index, object.maps.size());
    object.maps.push_back(std::move(map));
  }
  return true;
}

} // namespace

bool isGlobalDataSection(std::string_view name) {
  for (std::string_view prefix : {".data", ".rodata", ".bss"})
    if (name == prefix || (name.starts_with(prefix) && name[prefix.size()] == '.'))
      return true;
  return false;
}

std::optional<std::size_t> MapSymbolIndex::definitionAt(std::size_t section,
                                                        std::uint64_t offset) const {
  for (const auto &[mapSection, mapOffset, map] : definitions)
    if (mapSection == section && mapOffset == offset)
      return map;
  return std::nullopt;
}

std::optional<std::size_t> MapSymbolIndex::dataSection(std::size_t section) const {
  for (const auto &[dataSectionIndex, map] : dataSections)
    if (dataSectionIndex == section)
      return map;
  return std::nullopt;
}

Expected<MapSymbolIndex> collectMaps(const ElfFile &elf, const btf *objectBtf, Object &object) {
  MapSymbolIndex index;
  if (auto btfMaps = collectBtfMaps(elf, objectBtf, object, index); !btfMaps)
    return btfMaps.takeError();
  if (auto legacy = collectLegacyMaps(elf, object, index); !legacy)
    return legacy.takeError();
  if (auto structOps = collectStructOps(elf, objectBtf, object); !structOps)
    return structOps.takeError();
  if (auto data = collectGlobalData(elf, object, index); !data)
    return data.takeError();
  return index;
}

} // namespace bpfcheck
