// CO-RE access specifications, following libbpf's relo_core.c: an access string such as
// "0:1:2" starts with an index into an array of the root type (`&p[0]`), then indexes struct
// or union members and array elements. The local spec records, for each named member and
// array index, where it is; the target spec finds the same names (looking inside anonymous
// members) and the same indices (within bounds) in a candidate target type.
#include "CoReSpec.h"

#include <charconv>
#include <limits>

namespace bpfcheck::core {
namespace {

/// Guards against reference cycles in malformed BTF; real chains are a few links long.
constexpr int MaxModifierChain = 1024;

std::string typeText(std::uint32_t id) {
  return "[" + std::to_string(id) + "]";
}

/// bitOffset += index * elementBytes * 8, false on overflow.
bool addScaled(std::uint64_t &bitOffset, std::uint64_t index, std::uint64_t elementBytes) {
  std::uint64_t bits = 0;
  if (__builtin_mul_overflow(index, elementBytes, &bits) ||
      __builtin_mul_overflow(bits, std::uint64_t{8}, &bits))
    return false;
  return !__builtin_add_overflow(bitOffset, bits, &bitOffset);
}

/// An array is flexible when it has no elements and is the last member of the struct that
/// `previous` (the accessor that reached it) named.
bool isFlexibleArray(const btf &types, const std::vector<Accessor> &accessors,
                     const struct btf_array &array) {
  if (accessors.empty() || accessors.back().name.empty() || array.nelems > 0)
    return false;
  const Accessor &previous = accessors.back();
  const btf_type *composite = btf__type_by_id(&types, previous.typeId);
  return composite && previous.index + 1u == btf_vlen(composite);
}

std::string_view enumeratorName(const btf &types, const btf_type *enumType, std::uint32_t index) {
  const std::uint32_t offset = btf_is_enum(enumType) ? btf_enum(enumType)[index].name_off
                                                     : btf_enum64(enumType)[index].name_off;
  return nameAt(types, offset);
}

/// Parses "N(:N)*" with every N a non-negative 32-bit int (libbpf reads them with %d).
Expected<std::vector<std::uint32_t>> parseIndices(std::string_view text) {
  std::vector<std::uint32_t> indices;
  std::size_t position = 0;
  while (true) {
    std::uint32_t value = 0;
    const char *begin = text.data() + position;
    const char *end = text.data() + text.size();
    auto [next, status] = std::from_chars(begin, end, value);
    if (status != std::errc() || next == begin ||
        value > std::uint32_t(std::numeric_limits<std::int32_t>::max()))
      return Error("expected a non-negative index at character " + std::to_string(position));
    if (indices.size() == MaxAccessLength)
      return Error("more than " + std::to_string(MaxAccessLength) + " indices");
    indices.push_back(value);
    position = std::size_t(next - text.data());
    if (position == text.size())
      return indices;
    if (text[position] != ':')
      return Error("unexpected character '" + std::string(1, text[position]) + "' at character " +
                   std::to_string(position));
    ++position;
  }
}

/// The steps after the root: members of structs and unions, elements of arrays.
Expected<bool> walkLocalPath(const btf &local, std::uint32_t id, AccessSpec &spec) {
  for (std::size_t i = 1; i < spec.rawIndices.size(); ++i) {
    const btf_type *type = skipModifiersAndTypedefs(local, id, &id);
    if (!type)
      return Error("type " + typeText(id) + " does not exist");
    const std::uint32_t index = spec.rawIndices[i];
    if (btf_is_composite(type)) {
      if (index >= btf_vlen(type))
        return Error("index " + std::to_string(i) + " names member " + std::to_string(index) +
                     " of a type with " + std::to_string(btf_vlen(type)) + " members");
      spec.bitOffset += btf_member_bit_offset(type, index);
      const btf_member &member = btf_members(type)[index];
      if (member.name_off) {
        const std::string_view name = nameAt(local, member.name_off);
        if (name.empty())
          return Error("member " + std::to_string(index) + " of " + typeText(id) +
                       " has an unreadable name");
        spec.accessors.push_back({id, index, name});
      }
      id = member.type;
    } else if (btf_is_array(type)) {
      const struct btf_array &array = *btf_array(type);
      if (!skipModifiersAndTypedefs(local, array.type, &id))
        return Error("array element type " + typeText(array.type) + " does not exist");
      if (!isFlexibleArray(local, spec.accessors, array) && index >= array.nelems)
        return Error("index " + std::to_string(i) + " is element " + std::to_string(index) +
                     " of an array of " + std::to_string(array.nelems));
      spec.accessors.push_back({id, index, {}});
      const std::int64_t size = btf__resolve_size(&local, id);
      if (size < 0)
        return Error("array element type " + typeText(id) + " has no size");
      if (!addScaled(spec.bitOffset, index, std::uint64_t(size)))
        return Error("the offset overflows");
    } else {
      return Error("index " + std::to_string(i) + " steps into type " + typeText(id) +
                   ", which is neither a struct, a union nor an array");
    }
  }
  return true;
}

/// libbpf's `bpf_core_match_member`: finds the local accessor's member name in the target
/// composite `targetId`, looking inside anonymous members. On a match, `nextId` is the
/// target member's type.
Expected<bool> matchMember(const btf &local, const Accessor &localAccessor, const btf &target,
                           std::uint32_t targetId, AccessSpec &spec, std::uint32_t &nextId) {
  const btf_type *type = skipModifiersAndTypedefs(target, targetId, &targetId);
  if (!type)
    return Error("target type " + typeText(targetId) + " does not exist");
  if (!btf_is_composite(type))
    return false;
  const btf_type *localType = btf__type_by_id(&local, localAccessor.typeId);
  const btf_member &localMember = btf_members(localType)[localAccessor.index];
  for (std::uint32_t i = 0; i < btf_vlen(type); ++i) {
    if (spec.rawIndices.size() == MaxAccessLength)
      return Error("the target access path is longer than " + std::to_string(MaxAccessLength));
    const btf_member &member = btf_members(type)[i];
    const std::uint32_t bitOffset = btf_member_bit_offset(type, i);
    const std::size_t savedAccessors = spec.accessors.size();
    spec.bitOffset += bitOffset;
    spec.rawIndices.push_back(i);
    const std::string_view name = nameAt(target, member.name_off);
    if (name.empty()) {
      auto found = matchMember(local, localAccessor, target, member.type, spec, nextId);
      if (!found || *found)
        return found;
    } else if (name == localAccessor.name) {
      spec.accessors.push_back({targetId, i, name});
      nextId = member.type;
      auto compatible = fieldsAreCompatible(local, localMember.type, target, member.type);
      if (!compatible || *compatible)
        return compatible;
      // The name matched but the type did not: like libbpf, look no further.
      spec.accessors.resize(savedAccessors);
      spec.bitOffset -= bitOffset;
      spec.rawIndices.pop_back();
      return false;
    }
    spec.bitOffset -= bitOffset;
    spec.rawIndices.pop_back();
  }
  return false;
}

Expected<bool> matchEnumerator(const AccessSpec &local, const btf &target, std::uint32_t targetId,
                               AccessSpec &spec) {
  const btf_type *type = skipModifiersAndTypedefs(target, targetId, &targetId);
  if (!type || !btf_is_any_enum(type))
    return false;
  const std::string_view wanted = essentialName(local.accessors.front().name);
  for (std::uint32_t i = 0; i < btf_vlen(type); ++i) {
    const std::string_view name = enumeratorName(target, type, i);
    if (essentialName(name) == wanted) {
      spec.accessors.push_back({targetId, i, name});
      spec.rawIndices.push_back(i);
      return true;
    }
  }
  return false;
}

} // namespace

bool isFieldKind(CoReKind kind) {
  return kind <= CoReKind::FieldRShiftU64;
}
bool isTypeKind(CoReKind kind) {
  return (kind >= CoReKind::TypeIdLocal && kind <= CoReKind::TypeSize) ||
         kind == CoReKind::TypeMatches;
}
bool isEnumValueKind(CoReKind kind) {
  return kind == CoReKind::EnumValueExists || kind == CoReKind::EnumValue;
}

const btf_type *skipModifiersAndTypedefs(const btf &types, std::uint32_t id,
                                         std::uint32_t *resolvedId) {
  const btf_type *type = btf__type_by_id(&types, id);
  for (int step = 0; type && (btf_is_mod(type) || btf_is_typedef(type)); ++step) {
    if (step == MaxModifierChain)
      return nullptr;
    id = type->type;
    type = btf__type_by_id(&types, id);
  }
  if (resolvedId)
    *resolvedId = id;
  return type;
}

std::string_view nameAt(const btf &types, std::uint32_t offset) {
  const char *name = btf__name_by_offset(&types, offset);
  return name ? std::string_view(name) : std::string_view();
}

std::string_view essentialName(std::string_view name) {
  // X___Y, where X and Y are not underscores; the last such separator wins.
  for (std::size_t end = name.size() >= 5 ? name.size() - 4 : 0; end > 0; --end) {
    const std::size_t i = end - 1;
    if (name[i] != '_' && name.substr(i + 1, 3) == "___" && name[i + 4] != '_')
      return name.substr(0, i + 1);
  }
  return name;
}

Expected<AccessSpec> parseAccessSpec(const btf &local, const CoReRecord &record,
                                     std::string_view accessString) {
  AccessSpec spec;
  spec.types = &local;
  spec.kind = record.kind;
  spec.rootTypeId = record.typeId;
  if (accessString.empty())
    return Error("the access string is empty");
  if (isTypeKind(record.kind)) {
    if (accessString != "0")
      return Error("a type relocation's access string must be \"0\"");
    return spec;
  }
  auto indices = parseIndices(accessString);
  if (!indices)
    return indices.takeError();
  spec.rawIndices = std::move(*indices);

  std::uint32_t id = 0;
  const btf_type *root = skipModifiersAndTypedefs(local, record.typeId, &id);
  if (!root)
    return Error("type " + typeText(record.typeId) + " does not exist");
  const std::uint32_t first = spec.rawIndices.front();

  if (isEnumValueKind(record.kind)) {
    if (!btf_is_any_enum(root))
      return Error("an enumerator relocation needs an enum type, " + typeText(id) + " is not");
    if (spec.rawIndices.size() > 1 || first >= btf_vlen(root))
      return Error("the enum has " + std::to_string(btf_vlen(root)) +
                   " enumerators; the access string must be one index below that");
    spec.accessors.push_back({id, first, enumeratorName(local, root, first)});
    return spec;
  }
  if (!isFieldKind(record.kind))
    return Error("unknown relocation kind " + std::to_string(unsigned(record.kind)));

  spec.accessors.push_back({id, first, {}});
  const std::int64_t size = btf__resolve_size(&local, id);
  if (size < 0)
    return Error("the root type " + typeText(id) + " has no size");
  if (!addScaled(spec.bitOffset, first, std::uint64_t(size)))
    return Error("the offset overflows");
  auto walked = walkLocalPath(local, id, spec);
  if (!walked)
    return walked.takeError();
  return spec;
}

std::vector<std::uint32_t> findCandidates(const btf &local, std::uint32_t localId,
                                          const btf &target) {
  std::vector<std::uint32_t> candidates;
  const btf_type *localType = btf__type_by_id(&local, localId);
  if (!localType)
    return candidates;
  const std::string_view wanted = essentialName(nameAt(local, localType->name_off));
  const std::uint32_t count = btf__type_cnt(&target);
  for (std::uint32_t id = 1; id < count; ++id) {
    const btf_type *type = btf__type_by_id(&target, id);
    if (!type || !btf_kind_core_compat(type, localType))
      continue;
    const std::string_view name = nameAt(target, type->name_off);
    if (!name.empty() && essentialName(name) == wanted)
      candidates.push_back(id);
  }
  return candidates;
}

Expected<bool> matchSpec(const AccessSpec &local, const btf &target, std::uint32_t targetId,
                         AccessSpec &matched) {
  matched = AccessSpec();
  matched.types = &target;
  matched.rootTypeId = targetId;
  matched.kind = local.kind;
  if (local.kind == CoReKind::TypeMatches)
    return typesMatch(*local.types, local.rootTypeId, target, targetId);
  if (isTypeKind(local.kind))
    return typesAreCompatible(*local.types, local.rootTypeId, target, targetId);
  if (isEnumValueKind(local.kind))
    return matchEnumerator(local, target, targetId, matched);

  std::uint32_t id = targetId;
  for (std::size_t i = 0; i < local.accessors.size(); ++i) {
    const Accessor &localAccessor = local.accessors[i];
    const btf_type *type = skipModifiersAndTypedefs(target, id, &id);
    if (!type)
      return Error("target type " + typeText(id) + " does not exist");
    if (!localAccessor.name.empty()) {
      auto found = matchMember(*local.types, localAccessor, target, id, matched, id);
      if (!found || !*found)
        return found;
      continue;
    }
    // The first index treats the root itself as the array element type.
    if (i > 0) {
      if (!btf_is_array(type))
        return false;
      const struct btf_array &array = *btf_array(type);
      if (!isFlexibleArray(target, matched.accessors, array) && localAccessor.index >= array.nelems)
        return false;
      if (!skipModifiersAndTypedefs(target, array.type, &id))
        return Error("target array element type " + typeText(array.type) + " does not exist");
    }
    if (matched.rawIndices.size() == MaxAccessLength)
      return Error("the target access path is longer than " + std::to_string(MaxAccessLength));
    matched.accessors.push_back({id, localAccessor.index, {}});
    matched.rawIndices.push_back(localAccessor.index);
    const std::int64_t size = btf__resolve_size(&target, id);
    if (size < 0)
      return Error("target type " + typeText(id) + " has no size");
    if (!addScaled(matched.bitOffset, localAccessor.index, std::uint64_t(size)))
      return Error("the target offset overflows");
  }
  return true;
}

} // namespace bpfcheck::core
