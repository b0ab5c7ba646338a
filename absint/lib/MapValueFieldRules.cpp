// The kernel-managed fields of map values (spin locks, timers, kptrs, …): loads and stores
// may not touch them except kptrs, which are read and written whole; helpers reach them only
// through the arguments made for them (ARG_PTR_TO_SPIN_LOCK, ARG_PTR_TO_TIMER,
// ARG_KPTR_XCHG_DEST); and bpf_kptr_xchg moves a referenced object in and out of its field.
// The rules of Linux 6.18 check_map_access, check_map_kptr_access, check_map_field_pointer,
// process_kptr_func and map_kptr_match_type.
#include "Analysis.h"

namespace bpfcheck::absint::detail {

namespace {

std::string pointeeText(const MapValueField &field) {
  return field.pointee.empty() ? std::string("an unnamed type") : field.pointee;
}

} // namespace

Check Analysis::checkMapValueFields(const AbstractState &state, unsigned base,
                                    const PointerValue &pointer, std::int64_t at,
                                    std::uint64_t size, FieldAccess access,
                                    const MapValueField **kptr) {
  const MapDescriptor &map = input.maps[pointer.map];
  // The bytes the access may touch: `at` plus every value of the variable offset.
  const std::int64_t lowest =
      at + std::max<std::int64_t>(asSigned(pointer.variableOffset.signed64.minimum), 0);
  const std::int64_t highest =
      at + static_cast<std::int64_t>(pointer.variableOffset.unsigned64.maximum.bits) +
      static_cast<std::int64_t>(size) - 1;
  // A kptr access that passes covers exactly its field, so the first field met decides.
  const MapValueField *field = overlappingField(map.valueFields, lowest, highest);
  if (!field)
    return std::nullopt;
  const std::int64_t start = field->offset;
  const std::string name(ruleOf(field->kind).kernelName);
  if (!isKptr(field->kind))
    return violation(field->kind == MapValueFieldKind::SpinLock ? Rule::Lock : Rule::MapValueField,
                     name + " cannot be accessed directly by load/store: bytes " +
                         std::to_string(start) + " to " +
                         std::to_string(start + ruleOf(field->kind).size - 1) + " of map '" +
                         map.name + "' belong to the kernel",
                     state, {base});
  if (access == FieldAccess::Helper)
    return violation(Rule::MapValueField,
                     name + " cannot be accessed indirectly by helper: the memory passed in " +
                         registerName(base) + " covers the kptr at offset " +
                         std::to_string(start) + " of map '" + map.name + "'",
                     state, {base});
  if (!isConstant(pointer.variableOffset))
    return violation(Rule::MapValueField,
                     name + " access cannot have variable offset: " + registerName(base) +
                         " may reach the kptr at offset " + std::to_string(start),
                     state, {base});
  const std::int64_t first = at + static_cast<std::int64_t>(pointer.variableOffset.bits.value.bits);
  if (first != start)
    return violation(Rule::Alignment,
                     name + " access misaligned expected=" + std::to_string(start) +
                         " off=" + std::to_string(first),
                     state, {base});
  if (size != 8)
    return violation(Rule::MapValueField,
                     name + " access size must be BPF_DW: a kptr is read and written whole", state,
                     {base});
  if (kptr)
    *kptr = field;
  return std::nullopt;
}

Check Analysis::accessKptr(AbstractState &state, unsigned base, const MapValueField &field,
                           AccessKind kind, const RegisterValue *stored, RegisterValue *loaded) {
  const Instruction &insn = instruction(currentIndex).insn;
  const auto *load = std::get_if<Load>(&insn);
  const auto *store = std::get_if<Store>(&insn);
  if ((!load && !store) || (load && load->signExtend))
    return violation(Rule::InvalidInstruction,
                     "kptr in map can only be accessed using BPF_MEM instruction mode", state,
                     {base});
  if (field.kind == MapValueFieldKind::KptrPercpu)
    return violation(Rule::Unsupported,
                     "per-cpu kptrs (__percpu_kptr) are not modelled by bpfcheck yet", state,
                     {base});
  if (kind == AccessKind::Read) {
    PointerValue pointer;
    pointer.region = RegionKind::BtfObject;
    pointer.btfType = field.pointee;
    pointer.maybeNull = true;
    pointer.id = freshId();
    // Only a referenced kptr to an RCU-protected object, read in an RCU read section (a
    // non-sleepable program, or under a lock), may be used as an RCU pointer.
    const bool inRcuSection = !input.sleepable || state.lock.has_value();
    pointer.trust = field.kind == MapValueFieldKind::KptrReferenced &&
                            isRcuProtectedStruct(field.pointee) && inRcuSection
                        ? Trust::Rcu
                        : Trust::Untrusted;
    if (loaded)
      *loaded = RegisterValue::ofPointer(pointer);
    return std::nullopt;
  }
  if (field.kind == MapValueFieldKind::KptrReferenced)
    return violation(Rule::InvalidRelease,
                     "store to referenced kptr disallowed: a referenced kptr is set with "
                     "bpf_kptr_xchg, which moves the reference into the map",
                     state, {base});
  if (store && std::holds_alternative<Imm>(store->value)) {
    if (std::get<Imm>(store->value).value != 0)
      return violation(Rule::MapValueField,
                       "BPF_ST imm must be 0 when storing to kptr at off=" +
                           std::to_string(field.offset),
                       state, {base});
    return std::nullopt;
  }
  if (!stored || stored->isNull())
    return std::nullopt;
  // An unreferenced kptr takes any pointer to an object of its type, even an untrusted one.
  const unsigned source = store ? std::get<Reg>(store->value).index : 0;
  if (!stored->isPointerTo(RegionKind::BtfObject) || stored->pointer.btfType != field.pointee ||
      !pointsToStart(stored->pointer))
    return violation(Rule::MapValueField,
                     "invalid kptr access, " + registerName(source) + " type=" + typeName(*stored) +
                         " expected=ptr_" + pointeeText(field) + " or untrusted_ptr_" +
                         pointeeText(field),
                     state, {source});
  return std::nullopt;
}

Check Analysis::checkMapValueFieldArgument(AbstractState &state, unsigned r, ArgKind kind,
                                           HelperCallFacts &facts) {
  const RegisterValue &value = state.reg(r);
  const MapValueFieldKind fieldKind =
      kind == ArgKind::Timer ? MapValueFieldKind::Timer : MapValueFieldKind::SpinLock;
  const std::string name(ruleOf(fieldKind).kernelName);
  if (!value.isPointerTo(RegionKind::MapValue))
    return violation(Rule::MapValueField,
                     registerName(r) + " type=" + typeName(value) + " expected=map_value: the " +
                         name + " must be in a map value",
                     state, {r});
  const MapDescriptor &map = input.maps[value.pointer.map];
  const auto offset = constantOffset(value.pointer);
  const Rule rule = fieldKind == MapValueFieldKind::SpinLock ? Rule::Lock : Rule::MapValueField;
  if (!offset)
    return violation(rule,
                     registerName(r) + " doesn't have constant offset. " + name +
                         " has to be at the constant offset",
                     state, {r});
  const MapValueField *field = findField(map.valueFields, fieldKind);
  if (!field)
    return violation(rule,
                     "map '" + map.name + "' has no valid " + name +
                         ": its value's BTF holds no struct " + name,
                     state, {r});
  if (*offset != field->offset)
    return violation(rule,
                     "off " + std::to_string(*offset) + " doesn't point to 'struct " + name +
                         "' that is at " + std::to_string(field->offset),
                     state, {r});
  if (fieldKind == MapValueFieldKind::Timer) {
    for (const MapDescriptor &outer : input.maps)
      if (outer.innerMap == value.pointer.map)
        return violation(Rule::Unsupported,
                         "timers in inner maps of map-in-maps are not modelled by bpfcheck yet "
                         "(the kernel tells inner maps apart by map_uid)",
                         state, {r});
    facts.map = value.pointer.map;
    return std::nullopt;
  }
  facts.map = facts.map.value_or(value.pointer.map);
  facts.lockPointerId = value.pointer.id;
  return std::nullopt;
}

Check Analysis::checkKptrDestination(AbstractState &state, unsigned r, HelperCallFacts &facts) {
  const RegisterValue &value = state.reg(r);
  if (!value.isPointerTo(RegionKind::MapValue))
    return violation(Rule::MapValueField,
                     registerName(r) + " type=" + typeName(value) +
                         " expected=map_value: bpf_kptr_xchg's destination is a kptr field of a "
                         "map value",
                     state, {r});
  const MapDescriptor &map = input.maps[value.pointer.map];
  const auto offset = constantOffset(value.pointer);
  if (!offset)
    return violation(Rule::MapValueField,
                     registerName(r) +
                         " doesn't have constant offset. kptr has to be at the constant offset",
                     state, {r});
  const MapValueField *field = nullptr;
  bool hasKptr = false;
  for (const MapValueField &candidate : map.valueFields) {
    hasKptr = hasKptr || isKptr(candidate.kind);
    if (isKptr(candidate.kind) && candidate.offset == *offset)
      field = &candidate;
  }
  if (!hasKptr)
    return violation(Rule::MapValueField,
                     registerName(r) + " has no valid kptr: the value of map '" + map.name +
                         "' holds none",
                     state, {r});
  if (!field)
    return violation(Rule::MapValueField,
                     "off=" + std::to_string(*offset) + " doesn't point to kptr", state, {r});
  if (field->kind == MapValueFieldKind::KptrUntrusted)
    return violation(Rule::MapValueField,
                     "off=" + std::to_string(*offset) +
                         " kptr isn't referenced kptr: it is __kptr_untrusted, which only "
                         "plain stores set",
                     state, {r});
  if (field->kind == MapValueFieldKind::KptrPercpu)
    return violation(Rule::Unsupported,
                     "per-cpu kptrs (__percpu_kptr) are not modelled by bpfcheck yet", state, {r});
  facts.kptrField = field;
  return std::nullopt;
}

Check Analysis::checkKptrExchangeSource(AbstractState &state, unsigned r,
                                        const MapValueField &field, HelperCallFacts &facts) {
  const RegisterValue &value = state.reg(r);
  if (value.isPointer() && value.pointer.maybeNull)
    return violation(Rule::NullDereference,
                     "Possibly NULL pointer passed to helper arg" + std::to_string(r) +
                         ": the object given to bpf_kptr_xchg must be null-checked first",
                     state, {r});
  if (!value.isPointerTo(RegionKind::BtfObject) || value.pointer.trust == Trust::Untrusted)
    return violation(Rule::MapValueField,
                     registerName(r) + " type=" + typeName(value) + " expected=ptr_, trusted_ptr_" +
                         ", rcu_ptr_: bpf_kptr_xchg stores a pointer to a kernel object",
                     state, {r});
  if (value.pointer.btfType != field.pointee || !pointsToStart(value.pointer))
    return violation(Rule::MapValueField,
                     "invalid kptr access, " + registerName(r) + " type=" + typeName(value) +
                         " expected=ptr_" + pointeeText(field) +
                         ": the kptr field holds that type exactly",
                     state, {r});
  if (value.pointer.referenceId == 0 || !state.findReference(value.pointer.referenceId))
    return violation(Rule::InvalidRelease,
                     registerName(r) +
                         " must be referenced when passed to release function bpf_kptr_xchg: "
                         "only an object the program holds a reference to may be stored",
                     state, {r});
  facts.releasedReference = value.pointer.referenceId;
  return std::nullopt;
}

} // namespace bpfcheck::absint::detail
