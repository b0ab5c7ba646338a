// Kernel struct fields and attach targets from BTF (the kernel's btf_struct_walk and
// btf_ctx_access, as far as the verifier needs them).

#include "bpfcheck/frontend/BtfKernelTypes.h"
#include "bpfcheck/platform/AttachTargets.h"

#include "TargetBtf.h"

#include "CoReSpec.h"

#include <bpf/btf.h>

namespace bpfcheck {

struct BtfKernelTypes::Loaded {
  TargetBtf target;
  explicit Loaded(std::string path) : target(std::move(path)) {}
};

namespace {

/// The type `id` names, past modifiers and typedefs; `id` becomes that type's id.
const btf_type *skipModifiers(const btf &types, std::uint32_t &id) {
  return core::skipModifiersAndTypedefs(types, id, &id);
}

std::string_view nameOf(const btf *types, const btf_type *type) {
  const char *name = btf__name_by_offset(types, type->name_off);
  return name ? std::string_view(name) : std::string_view();
}

/// The struct a pointer type points to, if it points to a named struct or union.
std::string_view pointeeStruct(const btf *types, std::uint32_t pointerId) {
  const btf_type *pointer = skipModifiers(*types, pointerId);
  if (!pointer || !btf_is_ptr(pointer))
    return {};
  std::uint32_t pointeeId = pointer->type;
  const btf_type *pointee = skipModifiers(*types, pointeeId);
  if (!pointee || !(btf_is_struct(pointee) || btf_is_union(pointee)))
    return {};
  return nameOf(types, pointee);
}

KernelField walk(const btf *types, std::uint32_t typeId, std::string_view structName,
                 std::uint32_t offset, std::uint32_t size, bool untrusted, int depth) {
  const btf_type *type = skipModifiers(*types, typeId);
  KernelField field;
  if (!type || depth > 32) {
    field.reason = "cannot follow the BTF of struct " + std::string(structName);
    return field;
  }
  if (btf_is_array(type)) {
    const struct btf_array *array = btf_array(type);
    const long elementSize = btf__resolve_size(types, array->type);
    if (elementSize <= 0) {
      field.reason = "array of unsized elements in struct " + std::string(structName);
      return field;
    }
    return walk(types, array->type, structName, offset % std::uint32_t(elementSize), size,
                untrusted, depth + 1);
  }
  if (!(btf_is_struct(type) || btf_is_union(type))) {
    if (btf_is_ptr(type) && (offset != 0 || size != 8)) {
      field.reason = "cannot read part of a pointer in struct " + std::string(structName) +
                     " (off " + std::to_string(offset) + " size " + std::to_string(size) +
                     " within it): a pointer is read whole";
      return field;
    }
    field.allowed = true;
    field.isPointer = btf_is_ptr(type);
    if (field.isPointer)
      field.pointee = pointeeStruct(types, typeId);
    field.isPointer = field.isPointer && !field.pointee.empty();
    return field;
  }
  if (offset + std::uint64_t(size) > type->size) {
    field.reason = "access beyond struct " + std::string(structName) + " at off " +
                   std::to_string(offset) + " size " + std::to_string(size) + " (it has " +
                   std::to_string(type->size) + " bytes)";
    return field;
  }
  const btf_member *member = btf_members(type);
  for (unsigned i = 0; i < btf_vlen(type); ++i, ++member) {
    const std::uint32_t memberOffset = btf_member_bit_offset(type, i) / 8;
    const long memberSize = btf__resolve_size(types, member->type);
    if (memberSize <= 0 || offset < memberOffset || offset >= memberOffset + memberSize)
      continue;
    const char *memberName = btf__name_by_offset(types, member->name_off);
    const std::string shownMember = memberName ? memberName : "";
    std::uint32_t memberTypeId = member->type;
    const btf_type *memberType = skipModifiers(*types, memberTypeId);
    const bool pointer = memberType && btf_is_ptr(memberType);
    if (pointer && (offset != memberOffset || size != memberSize)) {
      field.reason = "cannot access ptr member " + shownMember + " with moff " +
                     std::to_string(memberOffset) + " in struct " +
                     std::string(nameOf(types, type)) + " with off " + std::to_string(offset) +
                     " size " + std::to_string(size) + ": a pointer is read whole";
      return field;
    }
    const bool nested = memberType && (btf_is_struct(memberType) || btf_is_union(memberType));
    if (offset + size > memberOffset + memberSize) {
      // Past the member's end: never out of a nested struct; out of a number (or an array
      // of them) only through untrusted pointers, and then it reads a number.
      field.allowed = untrusted && !nested;
      if (!field.allowed)
        field.reason = "access beyond the end of member " + shownMember +
                       " (mend:" + std::to_string(memberOffset + memberSize) + ") in struct " +
                       std::string(nameOf(types, type)) + " with off " + std::to_string(offset) +
                       " size " + std::to_string(size);
      return field;
    }
    KernelField inner =
        walk(types, member->type, structName, offset - memberOffset, size, untrusted, depth + 1);
    if (inner.member.empty())
      inner.member = memberName ? std::string_view(memberName) : std::string_view();
    return inner;
  }
  field.reason = "struct " + std::string(structName) + " doesn't have field at offset " +
                 std::to_string(offset);
  return field;
}

std::uint32_t functionProtoOf(const btf *types, std::uint32_t id) {
  const btf_type *type = btf__type_by_id(types, id);
  while (type &&
         (btf_is_typedef(type) || btf_is_ptr(type) || btf_is_func(type) || btf_is_mod(type))) {
    id = type->type;
    type = btf__type_by_id(types, id);
  }
  return type && btf_is_func_proto(type) ? id : 0;
}

std::optional<AttachTargetInfo> describeProto(const btf *types, std::uint32_t protoId,
                                              bool skipFirst) {
  const btf_type *proto = btf__type_by_id(types, protoId);
  if (!proto || !btf_is_func_proto(proto))
    return std::nullopt;
  AttachTargetInfo info;
  const btf_param *params = btf_params(proto);
  const unsigned first = skipFirst ? 1 : 0;
  for (unsigned i = first; i < btf_vlen(proto) && info.arguments.count < 12; ++i) {
    std::uint32_t paramId = params[i].type;
    const btf_type *param = skipModifiers(*types, paramId);
    if (param && btf_is_ptr(param)) {
      info.arguments.pointerMask |= std::uint16_t(1u << info.arguments.count);
      info.argumentStructs[info.arguments.count] = pointeeStruct(types, params[i].type);
    }
    ++info.arguments.count;
  }
  info.arguments.returnsValue = proto->type != 0;
  std::uint32_t returnId = proto->type;
  const btf_type *returned = proto->type ? skipModifiers(*types, returnId) : nullptr;
  info.arguments.returnIsPointer = returned && btf_is_ptr(returned);
  info.returns = proto->type == 0 ? TargetReturn::Void : TargetReturn::Value;
  return info;
}

/// Whether a struct holds only scalars and arrays of them, at any depth the kernel looks
/// (__btf_type_is_scalar_struct).
bool isScalarStruct(const btf *types, const btf_type *type, int depth) {
  if (depth > 3)
    return false;
  const btf_member *member = btf_members(type);
  for (unsigned i = 0; i < btf_vlen(type); ++i, ++member) {
    std::uint32_t id = member->type;
    const btf_type *memberType = skipModifiers(*types, id);
    while (memberType && btf_is_array(memberType)) {
      id = btf_array(memberType)->type;
      memberType = skipModifiers(*types, id);
    }
    if (!memberType)
      return false;
    if (btf_is_struct(memberType) || btf_is_union(memberType)) {
      if (!isScalarStruct(types, memberType, depth + 1))
        return false;
    } else if (!(btf_is_int(memberType) || btf_is_any_enum(memberType))) {
      return false;
    }
  }
  return true;
}

KernelFunctionType describeFunctionType(const btf *types, std::uint32_t id) {
  using Kind = KernelFunctionType::Kind;
  KernelFunctionType described;
  if (id == 0) {
    described.kind = Kind::Void;
    return described;
  }
  const btf_type *type = skipModifiers(*types, id);
  if (!type)
    return described;
  if (btf_is_int(type) || btf_is_any_enum(type)) {
    described.kind = Kind::Integer;
    described.size = type->size;
    return described;
  }
  if (!btf_is_ptr(type))
    return described;
  std::uint32_t pointeeId = type->type;
  if (pointeeId == 0) {
    described.kind = Kind::PointerToVoid;
    return described;
  }
  const btf_type *pointee = skipModifiers(*types, pointeeId);
  if (!pointee)
    return described;
  if (btf_is_int(pointee) || btf_is_any_enum(pointee)) {
    described.kind = Kind::PointerToScalar;
    described.size = pointee->size;
  } else if (btf_is_struct(pointee) || btf_is_union(pointee)) {
    described.kind = Kind::PointerToStruct;
    described.pointee = nameOf(types, pointee);
    described.size = pointee->size;
    described.pointeeIsScalarStruct = isScalarStruct(types, pointee, 0);
  }
  return described;
}

} // namespace

BtfKernelTypes::BtfKernelTypes(std::string path)
    : loaded(std::make_unique<Loaded>(std::move(path))) {}

BtfKernelTypes::~BtfKernelTypes() = default;

KernelField BtfKernelTypes::readField(std::string_view structName, std::uint32_t offset,
                                      std::uint32_t size, bool untrusted) const {
  KernelField field;
  auto types = loaded->target.get("reading struct " + std::string(structName));
  if (!types) {
    field.reason = types.error().message;
    return field;
  }
  const std::string name(structName);
  int id = btf__find_by_name_kind(*types, name.c_str(), BTF_KIND_STRUCT);
  if (id <= 0)
    id = btf__find_by_name_kind(*types, name.c_str(), BTF_KIND_UNION);
  if (id <= 0) {
    field.reason = "the kernel's BTF has no struct " + name;
    return field;
  }
  return walk(*types, std::uint32_t(id), structName, offset, size, untrusted, 0);
}

std::optional<std::pair<std::uint32_t, std::uint32_t>>
BtfKernelTypes::memberExtent(std::string_view structName, std::string_view memberPath) const {
  auto loadedTypes = loaded->target.get("the member " + std::string(memberPath));
  if (!loadedTypes)
    return std::nullopt;
  const btf *types = *loadedTypes;
  const std::string name(structName);
  int structId = btf__find_by_name_kind(types, name.c_str(), BTF_KIND_STRUCT);
  if (structId <= 0)
    return std::nullopt;
  std::uint32_t id = std::uint32_t(structId);
  std::uint32_t offset = 0;
  std::string_view rest = memberPath;
  // Follows each name of the path, looking through anonymous members on the way.
  auto findMember =
      [&](auto &self, std::uint32_t typeId, std::string_view wanted,
          std::uint32_t base) -> std::optional<std::pair<std::uint32_t, std::uint32_t>> {
    const btf_type *type = skipModifiers(*types, typeId);
    if (!type || !(btf_is_struct(type) || btf_is_union(type)))
      return std::nullopt;
    const btf_member *member = btf_members(type);
    for (unsigned i = 0; i < btf_vlen(type); ++i, ++member) {
      const std::uint32_t at = base + btf_member_bit_offset(type, i) / 8;
      const char *memberName = btf__name_by_offset(types, member->name_off);
      if (memberName && wanted == memberName)
        return std::make_pair(member->type, at);
      if (!memberName || !*memberName)
        if (auto inner = self(self, member->type, wanted, at))
          return inner;
    }
    return std::nullopt;
  };
  std::uint32_t memberType = id;
  while (!rest.empty()) {
    const std::size_t dot = rest.find('.');
    const std::string_view part = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    auto found = findMember(findMember, memberType, part, offset);
    if (!found)
      return std::nullopt;
    memberType = found->first;
    offset = found->second;
  }
  const long size = btf__resolve_size(types, memberType);
  if (size < 0)
    return std::nullopt;
  return std::make_pair(offset, offset + std::uint32_t(size));
}

std::optional<AttachTargetInfo>
BtfKernelTypes::attachTarget(ProgramType type, std::optional<AttachType> attach,
                             std::string_view target, std::string_view structOpsType,
                             std::string_view structOpsMember) const {
  auto loadedTypes = loaded->target.get("the attach target " + std::string(target));
  if (!loadedTypes)
    return std::nullopt;
  const btf *types = *loadedTypes;
  if (type == ProgramType::StructOps) {
    const std::string structName(structOpsType);
    const int id = btf__find_by_name_kind(types, structName.c_str(), BTF_KIND_STRUCT);
    if (id <= 0)
      return std::nullopt;
    const btf_type *structType = btf__type_by_id(types, std::uint32_t(id));
    const btf_member *member = btf_members(structType);
    for (unsigned i = 0; i < btf_vlen(structType); ++i, ++member) {
      const char *memberName = btf__name_by_offset(types, member->name_off);
      if (memberName && structOpsMember == memberName)
        return describeProto(types, functionProtoOf(types, member->type), false);
    }
    return std::nullopt;
  }
  std::string name(target);
  int kind = BTF_KIND_FUNC;
  bool skipFirst = false;
  if (type == ProgramType::Lsm) {
    name = "bpf_lsm_" + name;
  } else if (attach == AttachType::TraceRawTp) {
    name = "btf_trace_" + name;
    kind = BTF_KIND_TYPEDEF;
    skipFirst = true;
  } else if (attach == AttachType::TraceIter) {
    name = "bpf_iter_" + name;
  }
  const int id = btf__find_by_name_kind(types, name.c_str(), kind);
  if (id <= 0)
    return std::nullopt;
  auto info = describeProto(types, functionProtoOf(types, std::uint32_t(id)), skipFirst);
  if (info && type == ProgramType::Lsm && lsmHookKind(target) == LsmHookKind::ReturnsBoolean)
    info->returns = TargetReturn::Boolean;
  return info;
}

std::optional<KernelFunctionPrototype> BtfKernelTypes::kernelFunction(std::uint32_t btfId) const {
  auto loadedTypes = loaded->target.get("the kernel function with BTF id " + std::to_string(btfId));
  if (!loadedTypes)
    return std::nullopt;
  const btf *types = *loadedTypes;
  const btf_type *function = btf__type_by_id(types, btfId);
  if (!function || !btf_is_func(function))
    return std::nullopt;
  const btf_type *proto = btf__type_by_id(types, function->type);
  if (!proto || !btf_is_func_proto(proto))
    return std::nullopt;
  KernelFunctionPrototype prototype;
  prototype.name = nameOf(types, function);
  const btf_param *params = btf_params(proto);
  for (unsigned i = 0; i < btf_vlen(proto); ++i) {
    const char *name = btf__name_by_offset(types, params[i].name_off);
    prototype.parameters.push_back({name ? std::string_view(name) : std::string_view(),
                                    describeFunctionType(types, params[i].type)});
  }
  prototype.returns = describeFunctionType(types, proto->type);
  return prototype;
}

bool BtfKernelTypes::structStartsWith(std::string_view outer, std::uint32_t offset,
                                      std::string_view inner) const {
  auto loadedTypes = loaded->target.get("struct " + std::string(outer));
  if (!loadedTypes)
    return false;
  const btf *types = *loadedTypes;
  const std::string name(outer);
  int id = btf__find_by_name_kind(types, name.c_str(), BTF_KIND_STRUCT);
  if (id <= 0)
    id = btf__find_by_name_kind(types, name.c_str(), BTF_KIND_UNION);
  if (id <= 0)
    return false;
  std::uint32_t typeId = std::uint32_t(id);
  // Descends into the member that holds `offset`; a struct member starting exactly there
  // is a candidate, and so is each struct at offset 0 of it.
  for (int depth = 0; depth < 32; ++depth) {
    const btf_type *type = skipModifiers(*types, typeId);
    if (!type || !(btf_is_struct(type) || btf_is_union(type)))
      return false;
    const btf_member *member = btf_members(type);
    bool found = false;
    for (unsigned i = 0; i < btf_vlen(type); ++i, ++member) {
      const std::uint32_t memberOffset = btf_member_bit_offset(type, i) / 8;
      const long memberSize = btf__resolve_size(types, member->type);
      if (memberSize <= 0 || offset < memberOffset || offset >= memberOffset + memberSize)
        continue;
      std::uint32_t memberTypeId = member->type;
      const btf_type *memberType = skipModifiers(*types, memberTypeId);
      if (!memberType || !(btf_is_struct(memberType) || btf_is_union(memberType)))
        return false;
      if (offset == memberOffset && nameOf(types, memberType) == inner)
        return true;
      offset -= memberOffset;
      typeId = memberTypeId;
      found = true;
      break;
    }
    if (!found)
      return false;
  }
  return false;
}

std::optional<KernelTypeName> BtfKernelTypes::typeName(std::uint32_t btfId) const {
  auto loadedTypes = loaded->target.get("the kernel type with BTF id " + std::to_string(btfId));
  if (!loadedTypes)
    return std::nullopt;
  const btf *types = *loadedTypes;
  KernelTypeName named;
  if (btfId == 0) {
    named.kind = KernelTypeName::Kind::Void;
    return named;
  }
  const btf_type *type = btf__type_by_id(types, btfId);
  if (!type)
    return std::nullopt;
  named.name = nameOf(types, type);
  if (btf_is_struct(type) || btf_is_union(type))
    named.kind = KernelTypeName::Kind::Struct;
  return named;
}

} // namespace bpfcheck
