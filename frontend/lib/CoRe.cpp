// CO-RE relocation values and instruction patching, following libbpf's relo_core.c.
//
// Resolving a relocation: parse the access string against the local BTF (CoReSpec.cpp),
// find the target candidates (same kind, same essential name), match the access path in
// each, compute the value each matching candidate gives, and insist that they all agree.
// Without a matching candidate, the *Exists and type kinds give 0 and the others poison
// the instruction.
#include "bpfcheck/frontend/CoRe.h"

#include "CoReSpec.h"

#include <bpf/btf.h>

#include <optional>

namespace bpfcheck {
namespace {

using core::AccessSpec;

/// One side's value (libbpf computes each relocation twice: local spec, target spec).
struct SideValue {
  bool poison = false;
  std::uint64_t value = 0;
  std::uint32_t fieldSize = 0;   ///< for a byte offset of a non-bitfield: the field's size
  std::uint32_t fieldTypeId = 0; ///< and its type (modifiers and typedefs skipped)
  bool validate = true;          ///< whether the instruction must hold the local value
};

const char *kindName(CoReKind kind) {
  switch (kind) {
  case CoReKind::FieldByteOffset:
    return "byte offset";
  case CoReKind::FieldByteSize:
    return "byte size";
  case CoReKind::FieldExists:
    return "field exists";
  case CoReKind::FieldSigned:
    return "signed";
  case CoReKind::FieldLShiftU64:
    return "lshift_u64";
  case CoReKind::FieldRShiftU64:
    return "rshift_u64";
  case CoReKind::TypeIdLocal:
    return "local type id";
  case CoReKind::TypeIdTarget:
    return "target type id";
  case CoReKind::TypeExists:
    return "type exists";
  case CoReKind::TypeSize:
    return "type size";
  case CoReKind::EnumValueExists:
    return "enumerator exists";
  case CoReKind::EnumValue:
    return "enumerator value";
  case CoReKind::TypeMatches:
    return "type matches";
  }
  return "unknown kind";
}

const char *typeKindName(const btf_type *type) {
  switch (btf_kind(type)) {
  case BTF_KIND_INT:
    return "int";
  case BTF_KIND_PTR:
    return "pointer";
  case BTF_KIND_ARRAY:
    return "array";
  case BTF_KIND_STRUCT:
    return "struct";
  case BTF_KIND_UNION:
    return "union";
  case BTF_KIND_ENUM:
    return "enum";
  case BTF_KIND_ENUM64:
    return "enum64";
  case BTF_KIND_FWD:
    return "fwd";
  case BTF_KIND_TYPEDEF:
    return "typedef";
  case BTF_KIND_VOLATILE:
    return "volatile";
  case BTF_KIND_CONST:
    return "const";
  case BTF_KIND_RESTRICT:
    return "restrict";
  case BTF_KIND_FUNC:
    return "func";
  case BTF_KIND_FUNC_PROTO:
    return "func_proto";
  case BTF_KIND_FLOAT:
    return "float";
  case BTF_KIND_TYPE_TAG:
    return "type_tag";
  default:
    return "type";
  }
}

std::optional<std::uint32_t> sizeOf(const btf &types, std::uint32_t id) {
  const std::int64_t size = btf__resolve_size(&types, id);
  if (size < 0)
    return std::nullopt;
  return std::uint32_t(size);
}

/// libbpf's `bpf_core_calc_field_relo` for one side; `spec` null means "not found".
Expected<SideValue> fieldValue(CoReKind kind, const AccessSpec *spec) {
  SideValue side;
  if (kind == CoReKind::FieldExists) {
    side.value = spec ? 1 : 0;
    return side;
  }
  if (!spec) {
    side.poison = true;
    return side;
  }
  const btf &types = *spec->types;
  const core::Accessor &last = spec->accessors.back();

  if (last.name.empty()) { // an array element (or the root itself)
    const auto size = sizeOf(types, last.typeId);
    if (!size)
      return Error("the element type [" + std::to_string(last.typeId) + "] has no size");
    if (kind == CoReKind::FieldByteOffset) {
      side.value = spec->bitOffset / 8;
      side.fieldSize = *size;
      side.fieldTypeId = last.typeId;
    } else if (kind == CoReKind::FieldByteSize) {
      side.value = *size;
    } else {
      return Error(std::string(kindName(kind)) + " cannot be applied to an array element");
    }
    return side;
  }

  const btf_type *composite = btf__type_by_id(&types, last.typeId);
  const btf_member &member = btf_members(composite)[last.index];
  std::uint32_t fieldTypeId = 0;
  const btf_type *fieldType = core::skipModifiersAndTypedefs(types, member.type, &fieldTypeId);
  if (!fieldType)
    return Error("the field's type [" + std::to_string(member.type) + "] does not exist");
  const std::uint64_t bitOffset = spec->bitOffset;
  std::uint64_t bitSize = btf_member_bitfield_size(composite, last.index);
  const bool bitfield = bitSize > 0;
  std::uint64_t byteSize = 0;
  std::uint64_t byteOffset = 0;
  if (bitfield) {
    // The smallest naturally aligned load unit, at least the declared type, that holds
    // every bit of the field.
    if (!(btf_is_int(fieldType) || btf_is_any_enum(fieldType)) || fieldType->size == 0)
      return Error("the bitfield's type [" + std::to_string(fieldTypeId) +
                   "] is not an integer or enum");
    byteSize = fieldType->size;
    byteOffset = bitOffset / 8 / byteSize * byteSize;
    while (bitOffset + bitSize - byteOffset * 8 > byteSize * 8) {
      if (byteSize >= 8)
        return Error("the bitfield at bit " + std::to_string(bitOffset) +
                     " cannot be read with one 64-bit load");
      byteSize *= 2;
      byteOffset = bitOffset / 8 / byteSize * byteSize;
    }
  } else {
    const auto size = sizeOf(types, fieldTypeId);
    if (!size)
      return Error("the field's type [" + std::to_string(fieldTypeId) + "] has no size");
    byteSize = *size;
    byteOffset = bitOffset / 8;
    bitSize = byteSize * 8;
  }
  // A bitfield's load unit is a choice the compiler may make differently.
  side.validate = !bitfield;
  switch (kind) {
  case CoReKind::FieldByteOffset:
    side.value = byteOffset;
    if (!bitfield) {
      side.fieldSize = std::uint32_t(byteSize);
      side.fieldTypeId = fieldTypeId;
    }
    break;
  case CoReKind::FieldByteSize:
    side.value = byteSize;
    break;
  case CoReKind::FieldSigned:
    side.value = (btf_is_any_enum(fieldType) && btf_kflag(fieldType)) ||
                 (btf_is_int(fieldType) && (btf_int_encoding(fieldType) & BTF_INT_SIGNED));
    side.validate = true;
    break;
  case CoReKind::FieldLShiftU64:
    // Little endian. libbpf computes in 32 bits; so do we, for equal results on fields
    // wider than 8 bytes (for which the shift is meaningless anyway).
    side.value = std::uint32_t(64 - (bitOffset + bitSize - byteOffset * 8));
    break;
  case CoReKind::FieldRShiftU64:
    side.value = std::uint32_t(64 - bitSize);
    side.validate = true;
    break;
  default:
    return Error("not a field relocation");
  }
  return side;
}

/// libbpf's `bpf_core_calc_type_relo`: a missing type gives 0, never poison.
Expected<SideValue> typeValue(CoReKind kind, const AccessSpec *spec) {
  SideValue side;
  if (!spec)
    return side;
  switch (kind) {
  case CoReKind::TypeIdTarget:
    side.value = spec->rootTypeId;
    side.validate = false; // type ids change when objects are linked
    break;
  case CoReKind::TypeExists:
  case CoReKind::TypeMatches:
    side.value = 1;
    break;
  case CoReKind::TypeSize: {
    const auto size = sizeOf(*spec->types, spec->rootTypeId);
    if (!size)
      return Error("type [" + std::to_string(spec->rootTypeId) + "] has no size");
    side.value = *size;
    break;
  }
  default:
    return Error("not a type relocation");
  }
  return side;
}

/// libbpf's `bpf_core_calc_enumval_relo`. A 32-bit enumerator's value is sign-extended
/// whatever the enum's signedness, as libbpf does (it reads the s32 `val` into a u64).
Expected<SideValue> enumValue(CoReKind kind, const AccessSpec *spec) {
  SideValue side;
  if (kind == CoReKind::EnumValueExists) {
    side.value = spec ? 1 : 0;
    return side;
  }
  if (!spec) {
    side.poison = true;
    return side;
  }
  const core::Accessor &enumerator = spec->accessors.front();
  const btf_type *type = btf__type_by_id(spec->types, enumerator.typeId);
  if (btf_is_enum(type))
    side.value = std::uint64_t(std::int64_t(btf_enum(type)[enumerator.index].val));
  else
    side.value = btf_enum64_value(btf_enum64(type) + enumerator.index);
  return side;
}

Expected<SideValue> sideValue(CoReKind kind, const AccessSpec *spec) {
  if (core::isFieldKind(kind))
    return fieldValue(kind, spec);
  if (core::isTypeKind(kind))
    return typeValue(kind, spec);
  return enumValue(kind, spec);
}

/// libbpf's `bpf_core_calc_relo`: the local and target values of one candidate (`target`
/// null when none matched).
Expected<CoReResolution> evaluate(const AccessSpec &local, const AccessSpec *target) {
  auto localSide = sideValue(local.kind, &local);
  if (!localSide)
    return localSide.takeError();
  auto targetSide = sideValue(local.kind, target);
  if (!targetSide)
    return targetSide.takeError();
  CoReResolution resolution;
  resolution.satisfied = !targetSide->poison;
  resolution.localValue = localSide->value;
  resolution.targetValue = targetSide->value;
  resolution.checkLocalValue = localSide->validate;
  resolution.targetTypeId = target ? target->rootTypeId : 0;
  if (!core::isFieldKind(local.kind) || targetSide->poison)
    return resolution;
  resolution.localFieldSize = localSide->fieldSize;
  resolution.targetFieldSize = targetSide->fieldSize;
  if (resolution.localFieldSize != resolution.targetFieldSize) {
    // Changing a load's width is safe for pointers (a 32-bit kernel's pointers read
    // zero-extended) and for unsigned integers; anything else would read a wrong value.
    const btf_type *localType = btf__type_by_id(local.types, localSide->fieldTypeId);
    const btf_type *targetType = btf__type_by_id(target->types, targetSide->fieldTypeId);
    const bool pointers = btf_is_ptr(localType) && btf_is_ptr(targetType);
    const bool unsignedInts = btf_is_int(localType) && btf_is_int(targetType) &&
                              btf_int_encoding(localType) != BTF_INT_SIGNED &&
                              btf_int_encoding(targetType) != BTF_INT_SIGNED;
    resolution.unsafeSizeChange = !pointers && !unsignedInts;
  }
  return resolution;
}

std::string rawPath(const std::vector<std::uint32_t> &indices) {
  std::string text;
  for (std::uint32_t index : indices)
    text += (text.empty() ? "" : ":") + std::to_string(index);
  return text;
}

/// "struct task_struct.pid (0:18) byte offset 1240 -> 2456", after libbpf's spec format.
std::string describe(const AccessSpec &local, const CoReResolution &resolution) {
  const btf &types = *local.types;
  const btf_type *root = btf__type_by_id(&types, local.rootTypeId);
  const std::string_view rootName = core::nameAt(types, root->name_off);
  std::string text = std::string(typeKindName(root)) + " " +
                     (rootName.empty() ? std::string("<anon>") : std::string(rootName));
  if (core::isEnumValueKind(local.kind)) {
    text += "::" + std::string(local.accessors.front().name);
  } else if (core::isFieldKind(local.kind)) {
    for (std::size_t i = 0; i < local.accessors.size(); ++i) {
      const core::Accessor &accessor = local.accessors[i];
      if (!accessor.name.empty())
        text += "." + std::string(accessor.name);
      else if (i > 0 || accessor.index > 0)
        text += "[" + std::to_string(accessor.index) + "]";
    }
    text += " (" + rawPath(local.rawIndices) + ")";
  }
  text += std::string(" ") + kindName(local.kind) + " " + std::to_string(resolution.localValue);
  if (!resolution.satisfied)
    return text + " -> not found in the target (poisoned)";
  return text + " -> " + std::to_string(resolution.targetValue);
}

std::string relocationContext(const btf &local, const CoReRecord &record,
                              const std::string &accessString) {
  std::string text = "CO-RE relocation at insn " + std::to_string(record.insnOffset / 8) + " (" +
                     kindName(record.kind) + ", type [" + std::to_string(record.typeId) + "]";
  if (const btf_type *type = btf__type_by_id(&local, record.typeId)) {
    const std::string_view name = core::nameAt(local, type->name_off);
    if (!name.empty())
      text += " " + std::string(name);
  }
  return text + ", access \"" + accessString + "\")";
}

/// libbpf's `bpf_core_calc_relo_insn`. `candidates` are the target types to try; on return
/// they are narrowed to those that matched, unless none did.
Expected<CoReResolution> resolve(const btf &local, const btf &target, const CoReRecord &record,
                                 const std::string &accessString,
                                 std::vector<std::uint32_t> *candidates) {
  const std::string context = relocationContext(local, record, accessString);
  if (std::uint32_t(record.kind) > std::uint32_t(CoReKind::TypeMatches))
    return Error(context + ": unknown relocation kind " +
                 std::to_string(std::uint32_t(record.kind)));
  const btf_type *localType = btf__type_by_id(&local, record.typeId);
  if (!localType)
    return Error(context + ": the local BTF has no type [" + std::to_string(record.typeId) + "]");
  auto localSpec = core::parseAccessSpec(local, record, accessString);
  if (!localSpec)
    return Error(context + ": access string \"" + accessString +
                 "\": " + localSpec.error().message);

  if (record.kind == CoReKind::TypeIdLocal) { // no target involved
    CoReResolution resolution;
    resolution.localValue = resolution.targetValue = record.typeId;
    resolution.checkLocalValue = false;
    resolution.description = describe(*localSpec, resolution);
    return resolution;
  }
  if (core::nameAt(local, localType->name_off).empty())
    return Error(context + ": anonymous types cannot be relocated (no name to look up)");

  std::optional<CoReResolution> chosen;
  std::uint64_t chosenBitOffset = 0;
  std::vector<std::uint32_t> fresh;
  if (!candidates) {
    fresh = core::findCandidates(local, record.typeId, target);
    candidates = &fresh;
  }
  std::vector<std::uint32_t> matching;
  for (std::uint32_t candidate : *candidates) {
    AccessSpec targetSpec;
    auto matched = core::matchSpec(*localSpec, target, candidate, targetSpec);
    if (!matched)
      return Error(context + ": target candidate [" + std::to_string(candidate) +
                   "]: " + matched.error().message);
    if (!*matched)
      continue;
    auto resolution = evaluate(*localSpec, &targetSpec);
    if (!resolution)
      return Error(context + ": " + resolution.error().message);
    if (!chosen) {
      chosen = std::move(*resolution);
      chosenBitOffset = targetSpec.bitOffset;
    } else if (targetSpec.bitOffset != chosenBitOffset) {
      return Error(context + ": ambiguous: target candidates [" +
                   std::to_string(chosen->targetTypeId) + "] and [" + std::to_string(candidate) +
                   "] put the field at bit offsets " + std::to_string(chosenBitOffset) + " and " +
                   std::to_string(targetSpec.bitOffset));
    } else if (resolution->satisfied != chosen->satisfied ||
               resolution->targetValue != chosen->targetValue) {
      return Error(context + ": ambiguous: target candidates [" +
                   std::to_string(chosen->targetTypeId) + "] and [" + std::to_string(candidate) +
                   "] give the values " + std::to_string(chosen->targetValue) + " and " +
                   std::to_string(resolution->targetValue));
    }
    matching.push_back(candidate);
  }
  if (!matching.empty())
    *candidates = std::move(matching);
  if (!chosen) {
    auto resolution = evaluate(*localSpec, nullptr);
    if (!resolution)
      return Error(context + ": " + resolution.error().message);
    chosen = std::move(*resolution);
  }
  chosen->description = describe(*localSpec, *chosen);
  return std::move(*chosen);
}

} // namespace

Expected<CoReResolution> resolveCoRe(const btf &local, const btf &target, const CoReRecord &record,
                                     const std::string &accessString) {
  return resolve(local, target, record, accessString, nullptr);
}

Expected<CoReResolution> resolveCoRe(const btf &local, const btf &target, const CoReRecord &record,
                                     const std::string &accessString, CoReCandidateCache &cache) {
  // A local type id needs no candidates; libbpf does not look them up for it.
  if (record.kind == CoReKind::TypeIdLocal)
    return resolve(local, target, record, accessString, nullptr);
  auto [entry, inserted] = cache.candidates.try_emplace(record.typeId);
  if (inserted)
    entry->second = core::findCandidates(local, record.typeId, target);
  return resolve(local, target, record, accessString, &entry->second);
}

namespace {

using encoding::RawInstruction;

constexpr std::uint8_t WideImmediateLoad = encoding::ClassLd | encoding::ModeImm | encoding::SizeDW;

void poison(RawInstruction &insn) {
  insn = RawInstruction::make(encoding::ClassJmp | encoding::JmpCall, 0, 0, 0, CoRePoisonHelperId);
}

std::uint32_t accessBytes(std::uint8_t opcode) {
  switch (encoding::sizeOf(opcode)) {
  case encoding::SizeB:
    return 1;
  case encoding::SizeH:
    return 2;
  case encoding::SizeW:
    return 4;
  default:
    return 8;
  }
}

std::optional<std::uint8_t> sizeCode(std::uint32_t bytes) {
  switch (bytes) {
  case 1:
    return encoding::SizeB;
  case 2:
    return encoding::SizeH;
  case 4:
    return encoding::SizeW;
  case 8:
    return encoding::SizeDW;
  default:
    return std::nullopt;
  }
}

std::string signedText(std::uint64_t value) {
  return std::to_string(std::int64_t(value));
}

} // namespace

Expected<bool> patchCoRe(std::span<RawInstruction> code, std::size_t index,
                         const CoReRecord &record, const CoReResolution &resolution) {
  auto fail = [&](const std::string &why) {
    return Error("CO-RE relocation at insn " + std::to_string(index) + ": " + why);
  };
  if (index >= code.size())
    return fail("the program has only " + std::to_string(code.size()) + " instructions");
  RawInstruction &insn = code[index];
  const bool wide = insn.opcode == WideImmediateLoad;
  if (wide && index + 1 >= code.size())
    return fail("the 64-bit immediate load has no second slot");
  if (!resolution.satisfied) {
    poison(insn);
    if (wide)
      poison(code[index + 1]);
    return true;
  }
  const std::uint64_t local = resolution.localValue;
  const std::uint64_t value = resolution.targetValue;
  const auto holds = [&](const std::string &held, const std::string &expected) {
    return fail("instruction holds " + held + ", expected local value " + expected);
  };

  switch (encoding::classOf(insn.opcode)) {
  case encoding::ClassAlu:
  case encoding::ClassAlu64: {
    if (encoding::sourceOf(insn.opcode) != encoding::SourceK)
      return fail(std::string("a ") + kindName(record.kind) +
                  " relocation needs an immediate operand, not a register");
    if (resolution.checkLocalValue && std::int64_t(insn.imm) != std::int64_t(local))
      return holds(std::to_string(insn.imm), signedText(local));
    // The immediate is sign-extended to 64 bits; a 32-bit operation only sees the low half.
    const bool fits = std::int64_t(std::int32_t(std::uint32_t(value))) == std::int64_t(value) ||
                      (encoding::classOf(insn.opcode) == encoding::ClassAlu &&
                       value <= std::uint64_t(UINT32_MAX));
    if (!fits)
      return fail("value " + std::to_string(value) + " does not fit the 32-bit immediate");
    insn.imm = std::int32_t(std::uint32_t(value));
    return true;
  }
  case encoding::ClassLdx:
  case encoding::ClassSt:
  case encoding::ClassStx: {
    if (resolution.checkLocalValue && std::int64_t(insn.offset) != std::int64_t(local))
      return holds(std::to_string(insn.offset), signedText(local));
    if (value > std::uint64_t(INT16_MAX))
      return fail("offset " + std::to_string(value) + " does not fit the 16-bit offset");
    if (resolution.unsafeSizeChange) {
      // libbpf: "make sure you are accessing pointers, unsigned integers, or fields of
      // matching type and size"; the access is poisoned rather than given a wrong width.
      poison(insn);
      return true;
    }
    if (resolution.localFieldSize == resolution.targetFieldSize) {
      insn.offset = std::int16_t(value);
      return true;
    }
    const auto bytes = accessBytes(insn.opcode);
    if (bytes != resolution.localFieldSize)
      return fail("the access is " + std::to_string(bytes) + " bytes wide, expected the field's " +
                  std::to_string(resolution.localFieldSize));
    const auto newSize = sizeCode(resolution.targetFieldSize);
    if (!newSize)
      return fail("the target field is " + std::to_string(resolution.targetFieldSize) +
                  " bytes, not a load or store width");
    insn.offset = std::int16_t(value);
    insn.opcode =
        std::uint8_t(encoding::modeOf(insn.opcode) | *newSize | encoding::classOf(insn.opcode));
    return true;
  }
  case encoding::ClassLd: {
    const RawInstruction &high = code[index + 1 < code.size() ? index + 1 : index];
    if (!wide || insn.src() != 0 || insn.offset != 0 || high.opcode != 0 || high.registers != 0 ||
        high.offset != 0)
      return fail("unexpected form for a 64-bit immediate load (opcode 0x18, source register 0, "
                  "offset 0, then an empty slot)");
    const std::uint64_t held =
        std::uint64_t(std::uint32_t(insn.imm)) | (std::uint64_t(std::uint32_t(high.imm)) << 32);
    if (resolution.checkLocalValue && held != local)
      return holds(std::to_string(held), std::to_string(local));
    insn.imm = std::int32_t(std::uint32_t(value));
    code[index + 1].imm = std::int32_t(std::uint32_t(value >> 32));
    return true;
  }
  default: {
    static constexpr char digits[] = "0123456789abcdef";
    const std::string opcode = {'0', 'x', digits[insn.opcode >> 4], digits[insn.opcode & 15]};
    return fail(std::string("a ") + kindName(record.kind) +
                " relocation cannot patch an instruction with opcode " + opcode);
  }
  }
}

} // namespace bpfcheck
