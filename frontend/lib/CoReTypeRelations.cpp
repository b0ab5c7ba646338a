// The three relations libbpf's relo_core.c defines between a local type and a target type,
// from the loosest to the strictest:
//  - fields are compatible: may a field access be relocated (ints of any size, any two
//    structs/unions, any two pointers, enums and forward declarations with the same
//    essential name or anonymous, arrays of compatible elements);
//  - types are compatible: does the type exist (TYPE_EXISTS/SIZE/ID_TARGET): same kinds
//    down through pointers, arrays and function prototypes, no member-level check;
//  - types match (TYPE_MATCHES): every local member, enumerator and parameter has a
//    counterpart with the same name and a matching type, ints of the same size and
//    signedness, arrays of the same length.
// Modifiers and typedefs are skipped everywhere. Like libbpf, a relation returns an error
// (not "false") when the BTF is malformed or the comparison recurses too deep.
#include "CoReSpec.h"

namespace bpfcheck::core {
namespace {

/// libbpf bounds both the iterative descent (pointers, arrays) and the recursion depth.
constexpr int MaxDescent = 32;
constexpr int MaxRecursion = 32;

Error badType(const char *relation, std::uint32_t localId, std::uint32_t targetId) {
  return Error(std::string(relation) + ": local type [" + std::to_string(localId) +
               "] or target type [" + std::to_string(targetId) + "] does not exist");
}

Error tooDeep(const char *relation) {
  return Error(std::string(relation) + ": types nest deeper than " + std::to_string(MaxRecursion) +
               " levels");
}

/// Both names empty, or the same essential name (libbpf's `bpf_core_names_match`).
bool namesMatch(const btf &local, std::uint32_t localNameOffset, const btf &target,
                std::uint32_t targetNameOffset) {
  const std::string_view localName = nameAt(local, localNameOffset);
  const std::string_view targetName = nameAt(target, targetNameOffset);
  if (targetName.empty())
    return localName.empty();
  return essentialName(localName) == essentialName(targetName);
}

std::uint32_t enumeratorNameOffset(const btf_type *type, std::uint32_t index) {
  return btf_is_enum(type) ? btf_enum(type)[index].name_off : btf_enum64(type)[index].name_off;
}

Expected<bool> compatibleAt(const btf &local, std::uint32_t localId, const btf &target,
                            std::uint32_t targetId, int level) {
  const btf_type *localType = btf__type_by_id(&local, localId);
  const btf_type *targetType = btf__type_by_id(&target, targetId);
  if (!localType || !targetType)
    return badType("type compatibility", localId, targetId);
  if (!btf_kind_core_compat(localType, targetType))
    return false;
  for (int descent = 0;; ++descent) {
    if (descent == MaxDescent)
      return tooDeep("type compatibility");
    localType = skipModifiersAndTypedefs(local, localId, &localId);
    targetType = skipModifiersAndTypedefs(target, targetId, &targetId);
    if (!localType || !targetType)
      return badType("type compatibility", localId, targetId);
    if (!btf_kind_core_compat(localType, targetType))
      return false;
    switch (btf_kind(localType)) {
    case BTF_KIND_UNKN:
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
    case BTF_KIND_FWD:
      return true;
    case BTF_KIND_INT: // only the deprecated bitfield-like ints are rejected
      return btf_int_offset(localType) == 0 && btf_int_offset(targetType) == 0;
    case BTF_KIND_PTR:
      localId = localType->type;
      targetId = targetType->type;
      continue;
    case BTF_KIND_ARRAY:
      localId = btf_array(localType)->type;
      targetId = btf_array(targetType)->type;
      continue;
    case BTF_KIND_FUNC_PROTO: {
      if (btf_vlen(localType) != btf_vlen(targetType))
        return false;
      for (std::uint32_t i = 0; i < btf_vlen(localType); ++i) {
        if (level <= 0)
          return tooDeep("type compatibility");
        auto compatible = compatibleAt(local, btf_params(localType)[i].type, target,
                                       btf_params(targetType)[i].type, level - 1);
        if (!compatible || !*compatible)
          return compatible;
      }
      localId = localType->type; // then the return type
      targetId = targetType->type;
      continue;
    }
    default:
      return false;
    }
  }
}

Expected<bool> matchAt(const btf &local, std::uint32_t localId, const btf &target,
                       std::uint32_t targetId, bool behindPointer, int level);

/// Every local enumerator has a target enumerator of the same essential name (values are
/// not compared), and the sizes are equal; enum and enum64 may match each other.
bool enumsMatch(const btf &local, const btf_type *localType, const btf &target,
                const btf_type *targetType) {
  if (localType->size != targetType->size || btf_vlen(localType) > btf_vlen(targetType))
    return false;
  for (std::uint32_t i = 0; i < btf_vlen(localType); ++i) {
    bool found = false;
    for (std::uint32_t j = 0; j < btf_vlen(targetType) && !found; ++j)
      found = namesMatch(local, enumeratorNameOffset(localType, i), target,
                         enumeratorNameOffset(targetType, j));
    if (!found)
      return false;
  }
  return true;
}

/// Every local member has a target member with a matching name and a matching type.
Expected<bool> compositesMatch(const btf &local, const btf_type *localType, const btf &target,
                               const btf_type *targetType, bool behindPointer, int level) {
  if (btf_vlen(localType) > btf_vlen(targetType))
    return false;
  for (std::uint32_t i = 0; i < btf_vlen(localType); ++i) {
    const btf_member &localMember = btf_members(localType)[i];
    bool found = false;
    for (std::uint32_t j = 0; j < btf_vlen(targetType) && !found; ++j) {
      const btf_member &targetMember = btf_members(targetType)[j];
      if (!namesMatch(local, localMember.name_off, target, targetMember.name_off))
        continue;
      auto matched =
          matchAt(local, localMember.type, target, targetMember.type, behindPointer, level - 1);
      if (!matched)
        return matched;
      found = *matched;
    }
    if (!found)
      return false;
  }
  return true;
}

Expected<bool> matchAt(const btf &local, std::uint32_t localId, const btf &target,
                       std::uint32_t targetId, bool behindPointer, int level) {
  if (level <= 0)
    return tooDeep("type match");
  for (int descent = 0;; ++descent) {
    if (descent == MaxDescent)
      return tooDeep("type match");
    const btf_type *localType = skipModifiersAndTypedefs(local, localId, &localId);
    const btf_type *targetType = skipModifiersAndTypedefs(target, targetId, &targetId);
    if (!localType || !targetType)
      return badType("type match", localId, targetId);
    if (!namesMatch(local, localType->name_off, target, targetType->name_off))
      return false;
    const unsigned localKind = btf_kind(localType);
    const unsigned targetKind = btf_kind(targetType);
    switch (localKind) {
    case BTF_KIND_UNKN:
      return localKind == targetKind;
    case BTF_KIND_FWD: {
      // kflag: 0 declares a struct, 1 a union.
      const bool localUnion = btf_kflag(localType);
      if (localKind == targetKind)
        return localUnion == btf_kflag(targetType);
      return behindPointer && ((targetKind == BTF_KIND_STRUCT && !localUnion) ||
                               (targetKind == BTF_KIND_UNION && localUnion));
    }
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
      return btf_is_any_enum(targetType) && enumsMatch(local, localType, target, targetType);
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
      if (behindPointer) { // a declaration of the same kind is enough behind a pointer
        if (localKind == targetKind)
          return true;
        return targetKind == BTF_KIND_FWD && (localKind == BTF_KIND_UNION) == btf_kflag(targetType);
      }
      if (localKind != targetKind)
        return false;
      return compositesMatch(local, localType, target, targetType, behindPointer, level);
    case BTF_KIND_INT:
      return localKind == targetKind && localType->size == targetType->size &&
             (btf_int_encoding(localType) & BTF_INT_SIGNED) ==
                 (btf_int_encoding(targetType) & BTF_INT_SIGNED);
    case BTF_KIND_PTR:
      if (localKind != targetKind)
        return false;
      behindPointer = true;
      localId = localType->type;
      targetId = targetType->type;
      continue;
    case BTF_KIND_ARRAY:
      if (localKind != targetKind || btf_array(localType)->nelems != btf_array(targetType)->nelems)
        return false;
      localId = btf_array(localType)->type;
      targetId = btf_array(targetType)->type;
      continue;
    case BTF_KIND_FUNC_PROTO: {
      if (localKind != targetKind || btf_vlen(localType) != btf_vlen(targetType))
        return false;
      for (std::uint32_t i = 0; i < btf_vlen(localType); ++i) {
        auto matched = matchAt(local, btf_params(localType)[i].type, target,
                               btf_params(targetType)[i].type, behindPointer, level - 1);
        if (!matched || !*matched)
          return matched;
      }
      localId = localType->type; // then the return type
      targetId = targetType->type;
      continue;
    }
    default: // floats included, as in libbpf 1.1
      return false;
    }
  }
}

} // namespace

Expected<bool> fieldsAreCompatible(const btf &local, std::uint32_t localId, const btf &target,
                                   std::uint32_t targetId) {
  for (int descent = 0;; ++descent) {
    if (descent == MaxDescent)
      return tooDeep("field compatibility");
    const btf_type *localType = skipModifiersAndTypedefs(local, localId, &localId);
    const btf_type *targetType = skipModifiersAndTypedefs(target, targetId, &targetId);
    if (!localType || !targetType)
      return badType("field compatibility", localId, targetId);
    if (btf_is_composite(localType) && btf_is_composite(targetType))
      return true; // a struct may become a union and back
    if (!btf_kind_core_compat(localType, targetType))
      return false;
    switch (btf_kind(localType)) {
    case BTF_KIND_PTR:
    case BTF_KIND_FLOAT:
      return true;
    case BTF_KIND_FWD:
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64: {
      const std::string_view localName = essentialName(nameAt(local, localType->name_off));
      const std::string_view targetName = essentialName(nameAt(target, targetType->name_off));
      return localName.empty() || targetName.empty() || localName == targetName;
    }
    case BTF_KIND_INT: // any size and signedness; not the deprecated bitfield-like ints
      return btf_int_offset(localType) == 0 && btf_int_offset(targetType) == 0;
    case BTF_KIND_ARRAY: // any length, compatible elements
      localId = btf_array(localType)->type;
      targetId = btf_array(targetType)->type;
      continue;
    default:
      return false;
    }
  }
}

Expected<bool> typesAreCompatible(const btf &local, std::uint32_t localId, const btf &target,
                                  std::uint32_t targetId) {
  return compatibleAt(local, localId, target, targetId, MaxRecursion);
}

Expected<bool> typesMatch(const btf &local, std::uint32_t localId, const btf &target,
                          std::uint32_t targetId) {
  return matchAt(local, localId, target, targetId, false, MaxRecursion);
}

} // namespace bpfcheck::core
