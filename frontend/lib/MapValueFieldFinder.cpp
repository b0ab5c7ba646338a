// Walks a map value's BTF for the fields the kernel manages (Linux 6.18 btf_find_field):
// special structs by name, kptrs by the type tag on their pointee, recursing into nested
// structs and arrays with each element's offset.
#include "MapValueFieldFinder.h"

#include "CoReSpec.h"

#include <bpf/btf.h>

#include <algorithm>

namespace bpfcheck {
namespace {

/// Nesting deeper than this is not followed (the kernel stops at a similar depth).
constexpr unsigned maximumNesting = 8;
/// Arrays with more elements than this are not expanded (the kernel's btf_record holds at
/// most a few dozen fields).
constexpr std::uint32_t maximumArrayElements = 256;

class FieldFinder {
public:
  explicit FieldFinder(const btf &types) : types(types) {}

  void visit(std::uint32_t typeId, std::uint64_t offset, unsigned depth) {
    if (depth > maximumNesting)
      return;
    std::uint32_t id = typeId;
    const btf_type *type = core::skipModifiersAndTypedefs(types, id, &id);
    if (!type)
      return;
    if (btf_is_ptr(type)) {
      visitPointer(*type, offset);
      return;
    }
    if (btf_is_array(type)) {
      const struct btf_array &array = *btf_array(type);
      const std::int64_t elementSize = btf__resolve_size(&types, array.type);
      if (elementSize <= 0 || array.nelems > maximumArrayElements)
        return;
      for (std::uint32_t i = 0; i < array.nelems; ++i)
        visit(array.type, offset + i * static_cast<std::uint64_t>(elementSize), depth + 1);
      return;
    }
    if (btf_is_datasec(type)) {
      const btf_var_secinfo *variable = btf_var_secinfos(type);
      for (unsigned i = 0; i < btf_vlen(type); ++i, ++variable) {
        const btf_type *var = btf__type_by_id(&types, variable->type);
        if (var && btf_is_var(var))
          visit(var->type, offset + variable->offset, depth + 1);
      }
      return;
    }
    if (!btf_is_struct(type))
      return;
    if (auto kind = fieldKindOfStruct(core::nameAt(types, type->name_off))) {
      fields.push_back({*kind, static_cast<std::uint32_t>(offset), {}});
      return;
    }
    const btf_member *member = btf_members(type);
    for (unsigned i = 0; i < btf_vlen(type); ++i, ++member)
      if (btf_member_bit_offset(type, i) % 8 == 0)
        visit(member->type, offset + btf_member_bit_offset(type, i) / 8, depth + 1);
  }

  std::vector<MapValueField> take() {
    std::sort(fields.begin(), fields.end(),
              [](const MapValueField &a, const MapValueField &b) { return a.offset < b.offset; });
    return std::move(fields);
  }

private:
  /// A pointer member: a kptr when a type tag on its pointee says so.
  void visitPointer(const btf_type &pointer, std::uint64_t offset) {
    std::optional<MapValueFieldKind> kind;
    std::uint32_t id = pointer.type;
    const btf_type *pointee = btf__type_by_id(&types, id);
    for (unsigned step = 0; pointee && step < maximumNesting && btf_is_mod(pointee); ++step) {
      if (btf_is_type_tag(pointee))
        kind = kind ? kind : kptrKindOfTag(core::nameAt(types, pointee->name_off));
      id = pointee->type;
      pointee = btf__type_by_id(&types, id);
    }
    if (!kind || !pointee)
      return;
    pointee = core::skipModifiersAndTypedefs(types, id, &id);
    std::string name = pointee && btf_is_struct(pointee)
                           ? std::string(core::nameAt(types, pointee->name_off))
                           : "";
    fields.push_back({*kind, static_cast<std::uint32_t>(offset), std::move(name)});
  }

  const btf &types;
  std::vector<MapValueField> fields;
};

} // namespace

std::vector<MapValueField> findMapValueFields(const btf &types, std::uint32_t valueTypeId) {
  FieldFinder finder(types);
  finder.visit(valueTypeId, 0, 0);
  return finder.take();
}

} // namespace bpfcheck
