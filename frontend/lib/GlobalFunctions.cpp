// Global functions from BTF: which subprograms have global linkage, and how the kernel will
// assume each argument arrives when it verifies the function on its own.

#include "GlobalFunctions.h"

#include "bpfcheck/platform/ContextLayout.h"

#include "CoReSpec.h"

#include <bpf/btf.h>

#include <string_view>

namespace bpfcheck {

namespace {

/// The type `id` names, past modifiers and typedefs; `id` becomes that type's id.
const btf_type *skipModifiers(const btf &types, std::uint32_t &id) {
  return core::skipModifiersAndTypedefs(types, id, &id);
}

/// The `arg:...` decl tags on parameter `index` of FUNC `functionId`.
std::vector<std::string_view> argumentTags(const btf *types, std::uint32_t functionId,
                                           unsigned index) {
  std::vector<std::string_view> tags;
  const std::uint32_t count = btf__type_cnt(types);
  for (std::uint32_t id = 1; id < count; ++id) {
    const btf_type *type = btf__type_by_id(types, id);
    if (!btf_is_decl_tag(type) || type->type != functionId ||
        btf_decl_tag(type)->component_idx != static_cast<int>(index))
      continue;
    const char *name = btf__name_by_offset(types, type->name_off);
    if (name && std::string_view(name).starts_with("arg:"))
      tags.push_back(std::string_view(name).substr(4));
  }
  return tags;
}

GlobalArgument describeArgument(const btf *types, std::uint32_t functionId, unsigned index,
                                std::uint32_t typeId, std::string_view contextStruct) {
  GlobalArgument argument;
  bool contextTag = false, trustedTag = false, nullableTag = false;
  for (std::string_view tag : argumentTags(types, functionId, index)) {
    if (tag == "ctx")
      contextTag = true;
    else if (tag == "nonnull")
      argument.nonNull = true;
    else if (tag == "trusted")
      trustedTag = true;
    else if (tag == "nullable")
      nullableTag = true;
    else {
      argument.kind = GlobalArgumentKind::Unsupported;
      argument.reason = "arg#" + std::to_string(index) + " has the tag arg:" + std::string(tag) +
                        ", which bpfcheck does not check yet";
      return argument;
    }
  }
  std::uint32_t id = typeId;
  const btf_type *type = skipModifiers(*types, id);
  if (!type) {
    argument.kind = GlobalArgumentKind::Unsupported;
    argument.reason = "arg#" + std::to_string(index) + " has no valid BTF type";
    return argument;
  }
  if (btf_is_int(type) || btf_is_enum(type) || btf_is_enum64(type)) {
    argument.kind = contextTag ? GlobalArgumentKind::Unsupported : GlobalArgumentKind::Scalar;
    argument.reason = "arg#" + std::to_string(index) + " is tagged arg:ctx but is not a pointer";
    return argument;
  }
  if (!btf_is_ptr(type)) {
    argument.kind = GlobalArgumentKind::Unsupported;
    argument.reason = "arg#" + std::to_string(index) + " is neither a scalar nor a pointer";
    return argument;
  }
  std::uint32_t pointeeId = type->type;
  const btf_type *pointee = skipModifiers(*types, pointeeId);
  const char *pointeeName = pointee ? btf__name_by_offset(types, pointee->name_off) : nullptr;
  if (trustedTag || nullableTag) {
    // btf_prepare_func_args: arg:trusted (optionally arg:nullable) makes a trusted pointer
    // to the kernel struct of the same name, flavour aside.
    const std::string which = "arg#" + std::to_string(index);
    argument.kind = GlobalArgumentKind::Unsupported;
    if (!trustedTag || argument.nonNull || contextTag)
      argument.reason = which + " has an invalid combination of tags (arg:nullable goes with "
                                "arg:trusted, which goes with neither arg:ctx nor arg:nonnull)";
    else if (!pointee || !btf_is_struct(pointee) || !pointeeName || !*pointeeName)
      argument.reason = which + " is tagged arg:trusted but does not point to a named struct";
    else {
      argument.kind = GlobalArgumentKind::KernelObject;
      argument.structName = core::essentialName(pointeeName);
      argument.nonNull = !nullableTag;
    }
    return argument;
  }
  if (contextTag || (pointee && btf_is_struct(pointee) && pointeeName && !contextStruct.empty() &&
                     contextStruct == pointeeName)) {
    argument.kind = GlobalArgumentKind::Context;
    return argument;
  }
  const long size = pointee ? btf__resolve_size(types, pointeeId) : -1;
  const bool sized =
      pointee && (btf_is_int(pointee) || btf_is_enum(pointee) || btf_is_enum64(pointee) ||
                  btf_is_struct(pointee) || btf_is_union(pointee) || btf_is_array(pointee));
  if (!sized || size <= 0) {
    argument.kind = GlobalArgumentKind::Unsupported;
    argument.reason = "arg#" + std::to_string(index) +
                      " pointer type must point to scalar, or struct with scalar";
    return argument;
  }
  argument.kind = GlobalArgumentKind::Memory;
  argument.size = static_cast<std::uint32_t>(size);
  return argument;
}

} // namespace

std::vector<GlobalFunction> describeGlobalFunctions(const Program &program, const btf *types) {
  std::vector<GlobalFunction> functions;
  if (!types)
    return functions;
  const ContextLayout *layout = findContextLayout(program.type, program.expectedAttachType);
  const std::string_view contextStruct =
      layout && layout->inKernelBtf ? layout->structName : std::string_view();
  for (const FuncInfoRecord &record : program.funcInfo) {
    if (record.insnOffset == 0)
      continue; // the program itself
    const btf_type *function = btf__type_by_id(types, record.typeId);
    if (!function || !btf_is_func(function) || btf_vlen(function) != BTF_FUNC_GLOBAL)
      continue;
    const btf_type *proto = btf__type_by_id(types, function->type);
    if (!proto || !btf_is_func_proto(proto))
      continue;
    GlobalFunction global;
    const char *name = btf__name_by_offset(types, function->name_off);
    global.name = name ? name : "";
    global.pc = record.insnOffset;
    global.returnsVoid = proto->type == 0;
    const btf_param *params = btf_params(proto);
    for (unsigned i = 0; i < btf_vlen(proto); ++i)
      global.arguments.push_back(
          describeArgument(types, record.typeId, i, params[i].type, contextStruct));
    functions.push_back(std::move(global));
  }
  return functions;
}

std::vector<FunctionReturn> describeFunctionReturns(const Program &program, const btf *types) {
  std::vector<FunctionReturn> returns;
  if (!types)
    return returns;
  for (const FuncInfoRecord &record : program.funcInfo) {
    const btf_type *function = btf__type_by_id(types, record.typeId);
    const btf_type *proto =
        function && btf_is_func(function) ? btf__type_by_id(types, function->type) : nullptr;
    FunctionReturn described;
    described.pc = record.insnOffset;
    if (proto && btf_is_func_proto(proto) && proto->type != 0) {
      // btf_type_is_small_int (an int of at most 8 bytes) or any enum.
      std::uint32_t id = proto->type;
      const btf_type *type = skipModifiers(*types, id);
      described.scalar = type && ((btf_is_int(type) && type->size <= 8) || btf_is_enum(type) ||
                                  btf_is_enum64(type));
    }
    returns.push_back(described);
  }
  return returns;
}

} // namespace bpfcheck
