// Loads, stores and atomics: every access is checked against the region its base register
// points into (the kernel's check_mem_access and its per-region helpers).

#include "Analysis.h"

#include "bpfcheck/absint/ScalarConversions.h"
#include "bpfcheck/platform/KernelTypes.h"
#include "bpfcheck/platform/MapTypeRules.h"
#include "bpfcheck/platform/ProgramRules.h"

#include <algorithm>
#include <limits>

namespace bpfcheck::absint::detail {

namespace {

const char *verb(AccessKind kind) {
  return kind == AccessKind::Read ? "read" : "write";
}

std::string bytesText(std::uint64_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

/// The value a load of `size` bytes from unknown memory gives.
Scalar loadedScalar(unsigned size, bool signExtend) {
  const Scalar narrow = scalarOfBytes(size);
  return signExtend && size < 8 ? scalarSignExtend(narrow, 8 * size, true) : narrow;
}

std::int64_t signedMinimum(const Scalar &s) {
  return asSigned(s.signed64.minimum);
}
std::int64_t signedMaximum(const Scalar &s) {
  return asSigned(s.signed64.maximum);
}

} // namespace

/// Bounds of a region of `regionSize` bytes for an access at the pointer's offsets plus
/// `offset` (check_mem_region_access): the variable part must be bounded and non-negative.
static std::optional<std::string> regionBoundsViolation(const PointerValue &pointer,
                                                        std::int64_t offset, unsigned size,
                                                        std::uint64_t regionSize,
                                                        const std::string &what, AccessKind kind,
                                                        unsigned base) {
  const std::int64_t fixed = pointer.fixedOffset + offset;
  const Scalar &variable = pointer.variableOffset;
  const std::int64_t smin = signedMinimum(variable);
  const std::uint64_t umax = variable.unsigned64.maximum.bits;
  if (smin < 0 && (smin == std::numeric_limits<std::int64_t>::min() || smin + fixed < 0))
    return registerName(base) +
           " min value is negative, either use unsigned index or do a if (index "
           ">=0) check";
  if (umax >= static_cast<std::uint64_t>(maximumVariableOffset))
    return registerName(base) +
           " unbounded memory access, make sure to bounds check any such access";
  const std::int64_t lowest = fixed + std::max<std::int64_t>(smin, 0);
  const std::int64_t highest = fixed + static_cast<std::int64_t>(umax);
  if (lowest < 0 || highest + size > static_cast<std::int64_t>(regionSize)) {
    std::string at = isConstant(variable)
                         ? "offset " + std::to_string(fixed)
                         : "offsets " + std::to_string(lowest) + " to " + std::to_string(highest);
    return std::string(verb(kind)) + " of " + bytesText(size) + " at " + what + " " + at +
           " is outside the " + std::to_string(regionSize) + "-byte " + what;
  }
  return std::nullopt;
}

Check Analysis::checkContextAccess(AbstractState &state, unsigned base, std::int64_t offset,
                                   unsigned size, AccessKind kind, RegisterValue *loaded,
                                   bool signExtend) {
  const PointerValue &pointer = state.reg(base).pointer;
  if (!isConstant(pointer.variableOffset))
    return violation(Rule::VariableOffset,
                     "variable ctx access var_off=(" + describe(pointer.variableOffset) +
                         ") disallowed: the context must be accessed at a constant offset",
                     state, {base});
  if (!pointsToStart(pointer))
    return violation(Rule::ContextAccess,
                     "dereference of modified ctx ptr " + registerName(base) +
                         ": context fields must be accessed through the unmodified pointer",
                     state, {base});
  ContextAccessOptions accessOptions;
  accessOptions.signExtended = signExtend;
  accessOptions.capBpf = options.privileged;
  if (input.attachTarget)
    accessOptions.btfArguments = input.attachTarget->arguments;
  if (offset < 0 || offset > std::numeric_limits<std::uint16_t>::max())
    return violation(Rule::ContextAccess,
                     "invalid bpf_context access off=" + std::to_string(offset) +
                         " size=" + std::to_string(size),
                     state, {base});
  const ContextAccess access =
      bpfcheck::checkContextAccess(input.type, input.attach, static_cast<std::uint32_t>(offset),
                                   size, kind == AccessKind::Write, accessOptions);
  if (!access)
    return violation(Rule::ContextAccess,
                     "invalid bpf_context access off=" + std::to_string(offset) +
                         " size=" + std::to_string(size) + ": " + access.reason,
                     state, {base});
  if (!loaded)
    return std::nullopt;
  PointerValue result;
  switch (access.yields) {
  case ContextValue::BtfArgument: {
    // A pointer argument of the attach target is a kernel object of its BTF type.
    const auto slot = static_cast<unsigned>(offset / 8);
    if (input.attachTarget && slot < input.attachTarget->argumentStructs.size() &&
        !input.attachTarget->argumentStructs[slot].empty() && size == 8 && offset % 8 == 0) {
      result.region = RegionKind::BtfObject;
      result.btfType = input.attachTarget->argumentStructs[slot];
      result.trust =
          contextArgumentsTrusted(input.type, input.attach) ? Trust::Trusted : Trust::Plain;
      if (contextArgumentMayBeNull(input.type, input.attach, slot)) {
        result.maybeNull = true;
        result.id = freshId();
      }
      *loaded = RegisterValue::ofPointer(result);
      return std::nullopt;
    }
    *loaded = RegisterValue::ofScalar(loadedScalar(size, signExtend));
    return std::nullopt;
  }
  case ContextValue::Scalar:
    *loaded = RegisterValue::ofScalar(loadedScalar(size, signExtend));
    return std::nullopt;
  case ContextValue::PacketStart:
    result.region = RegionKind::Packet;
    break;
  case ContextValue::PacketEnd:
    result.region = RegionKind::PacketEnd;
    break;
  case ContextValue::PacketMeta:
    result.region = RegionKind::PacketMeta;
    break;
  case ContextValue::Socket:
    result.region = RegionKind::Socket;
    break;
  case ContextValue::SocketOrNull:
    result.region = RegionKind::Socket;
    result.maybeNull = true;
    result.id = freshId();
    break;
  case ContextValue::SockCommonOrNull:
    result.region = RegionKind::SockCommon;
    result.maybeNull = true;
    result.id = freshId();
    break;
  case ContextValue::FlowKeys:
    result.region = RegionKind::FlowKeys;
    break;
  case ContextValue::TcpSock:
    result.region = RegionKind::TcpSock;
    break;
  case ContextValue::TracepointBuffer:
    result.region = RegionKind::TracepointBuffer;
    break;
  case ContextValue::BtfObject:
    result.region = RegionKind::BtfObject;
    result.trust = Trust::Trusted;
    result.btfType = access.field ? access.field->btfType : std::string_view{};
    break;
  }
  *loaded = RegisterValue::ofPointer(result);
  return std::nullopt;
}

Check Analysis::checkMemoryAccess(AbstractState &state, unsigned base, std::int64_t offset,
                                  unsigned size, AccessKind kind, const RegisterValue *stored,
                                  RegisterValue *loaded, bool signExtend) {
  if (auto failed = readable(state, base))
    return failed;
  const RegisterValue &address = state.reg(base);
  if (!address.isPointer())
    return violation(Rule::InvalidDereference,
                     registerName(base) + " invalid mem access 'scalar': " + registerName(base) +
                         " holds a number, not a pointer" + releaseHistory(state, address),
                     state, {base});
  const PointerValue pointer = address.pointer;
  if (pointer.maybeNull)
    return violation(Rule::NullDereference,
                     registerName(base) + " invalid mem access '" + typeName(address) + "': " +
                         registerName(base) + " may be NULL; compare it with 0 before the access",
                     state, {base});
  const std::int64_t at = pointer.fixedOffset + offset;
  switch (pointer.region) {
  case RegionKind::Stack: {
    Frame &frame = state.frames[pointer.frame];
    if (isConstant(pointer.variableOffset)) {
      const std::int64_t first =
          at + static_cast<std::int64_t>(pointer.variableOffset.bits.value.bits);
      if (first < -StackFrame::size || first + size > 0)
        return violation(Rule::StackBounds,
                         "invalid " + std::string(verb(kind)) + " " +
                             (kind == AccessKind::Read ? "from" : "to") + " stack " +
                             registerName(base) + " off=" + std::to_string(first) +
                             " size=" + std::to_string(size) + ": the frame is [-512, 0)",
                         state, {base});
      if (first % size != 0)
        return violation(Rule::Alignment,
                         "misaligned stack access off " + std::to_string(first) + " size " +
                             std::to_string(size),
                         state, {base});
      touchStack(state, pointer.frame, first);
      if (kind == AccessKind::Write) {
        if (stored->isPointerTo(RegionKind::Stack) && stored->pointer.frame > pointer.frame)
          return violation(Rule::PointerLeak,
                           "cannot spill pointers to stack into stack frame of the caller: "
                           "the frame they point into ends with the call",
                           state, {base});
        frame.stack.store(first, size, *stored);
        return std::nullopt;
      }
      if (const StackSlot *slot = frame.stack.slotAt(first); slot && slot->spillSize == 8 &&
                                                             slot->spilled.isPointer() &&
                                                             (size != 8 || byteInSlot(first) != 0))
        return violation(Rule::PointerLeak,
                         "invalid size of register fill: reading " + bytesText(size) +
                             " of the pointer spilled at fp" +
                             std::to_string(first - byteInSlot(first)),
                         state, {base});
      if (!options.privileged && !frame.stack.initialized(first, first + size))
        return violation(Rule::UninitializedStack,
                         "invalid read from stack off " + std::to_string(first) + " size " +
                             std::to_string(size) + ": the bytes were never written",
                         state, {base});
      if (loaded)
        *loaded = frame.stack.load(first, size, signExtend);
      return std::nullopt;
    }
    // (Clamped so that the sums cannot overflow; anything that far is outside the frame.)
    const std::int64_t lowest =
        at + std::max(signedMinimum(pointer.variableOffset), -maximumVariableOffset);
    const std::int64_t highest =
        at + std::min(signedMaximum(pointer.variableOffset), maximumVariableOffset);
    if (!boundsProven && (signedMinimum(pointer.variableOffset) <= -maximumVariableOffset ||
                          signedMaximum(pointer.variableOffset) >= maximumVariableOffset ||
                          lowest < -StackFrame::size || highest + size > 0))
      return violation(Rule::StackBounds,
                       "invalid variable-offset " + std::string(verb(kind)) + " of stack " +
                           registerName(base) + " var_off=(" + describe(pointer.variableOffset) +
                           ") off=" + std::to_string(at) + " size=" + std::to_string(size) +
                           ": the frame is [-512, 0)",
                       state, {base});
    // (Proven in bounds by the prover: the bytes reached lie inside the frame.)
    const std::int64_t first = std::max<std::int64_t>(lowest, -StackFrame::size);
    const std::int64_t last = std::min<std::int64_t>(highest + size, 0);
    touchStack(state, pointer.frame, first);
    if (kind == AccessKind::Write) {
      frame.stack.clobber(first, last);
      return std::nullopt;
    }
    if (!options.privileged)
      return violation(Rule::VariableOffset,
                       "variable-offset stack reads are only allowed for privileged loaders", state,
                       {base});
    if (loaded)
      *loaded = RegisterValue::ofScalar(loadedScalar(size, signExtend));
    return std::nullopt;
  }
  case RegionKind::Packet:
  case RegionKind::PacketMeta: {
    const PacketAccessRule rule = packetAccessOf(input.type);
    if (kind == AccessKind::Write && !rule.write)
      return violation(Rule::ReadOnlyWrite,
                       "cannot write into packet: " + std::string(nameOf(input.type)) +
                           " programs may only read packet data",
                       state, {base});
    if (!boundsProven && signedMinimum(pointer.variableOffset) < 0)
      return violation(Rule::PacketBounds,
                       registerName(base) +
                           " min value is negative, either use unsigned index or do a "
                           "if (index >=0) check",
                       state, {base});
    if (!boundsProven && (at < 0 || at + size > pointer.packetRange))
      return violation(Rule::PacketBounds,
                       std::string(verb(kind)) + " of " + bytesText(size) + " at packet offset " +
                           std::to_string(at) + " may be past packet_end (proven packet range is " +
                           bytesText(pointer.packetRange) + "): invalid access to packet, off=" +
                           std::to_string(at) + " size=" + std::to_string(size) + ", " +
                           registerName(base) + "(id=" + std::to_string(pointer.id) +
                           ",off=" + std::to_string(pointer.fixedOffset) +
                           ",r=" + std::to_string(pointer.packetRange) + ")",
                       state, {base});
    if (loaded)
      *loaded = RegisterValue::ofScalar(loadedScalar(size, signExtend));
    return std::nullopt;
  }
  case RegionKind::MapValue: {
    const MapDescriptor &map = input.maps[pointer.map];
    if (kind == AccessKind::Write && map.readOnly)
      return violation(
          Rule::ReadOnlyWrite,
          "write into map forbidden: map '" + map.name +
              "' is read-only for programs, value_size=" + std::to_string(map.valueSize) +
              " off=" + std::to_string(at) + " size=" + std::to_string(size),
          state, {base});
    if (kind == AccessKind::Read && map.writeOnly)
      return violation(Rule::ReadOnlyWrite,
                       "read from map forbidden: map '" + map.name + "' is write-only for programs",
                       state, {base});
    if (auto why = boundsProven ? std::nullopt
                                : regionBoundsViolation(pointer, offset, size, map.valueSize,
                                                        "map value", kind, base))
      return violation(Rule::MapValueBounds,
                       *why + " (map '" + map.name +
                           "', value_size=" + std::to_string(map.valueSize) + ")",
                       state, {base});
    const MapValueField *kptr = nullptr;
    if (auto failed =
            checkMapValueFields(state, base, pointer, at, size, FieldAccess::Direct, &kptr))
      return failed;
    if (kptr)
      return accessKptr(state, base, *kptr, kind, stored, loaded);
    if (!loaded)
      return std::nullopt;
    const std::int64_t first =
        at + static_cast<std::int64_t>(pointer.variableOffset.bits.value.bits);
    if (map.readOnly && isConstant(pointer.variableOffset) &&
        static_cast<std::size_t>(first) + size <= map.frozenValue.size()) {
      // A frozen read-only map's bytes are known (bpf_map_direct_read).
      std::uint64_t value = 0;
      for (unsigned i = 0; i < size; ++i)
        value |= std::uint64_t(std::to_integer<std::uint8_t>(map.frozenValue[first + i]))
                 << (8 * i);
      Scalar known = constantScalar(value);
      if (signExtend && size < 8)
        known = scalarSignExtend(known, 8 * size, true);
      *loaded = RegisterValue::ofScalar(known);
      return std::nullopt;
    }
    *loaded = RegisterValue::ofScalar(loadedScalar(size, signExtend));
    return std::nullopt;
  }
  case RegionKind::MapKey:
  case RegionKind::Memory:
  case RegionKind::RingbufRecord: {
    if (kind == AccessKind::Write && pointer.readOnly)
      return violation(Rule::ReadOnlyWrite,
                       registerName(base) + " cannot write into " + typeName(address) +
                           ": the memory is read-only",
                       state, {base});
    const std::string what = pointer.region == RegionKind::MapKey   ? "map key"
                             : pointer.region == RegionKind::Memory ? "memory"
                                                                    : "ring buffer record";
    if (auto why = boundsProven ? std::nullopt
                                : regionBoundsViolation(pointer, offset, size, pointer.size, what,
                                                        kind, base))
      return violation(Rule::MemoryBounds, *why, state, {base});
    if (loaded)
      *loaded = RegisterValue::ofScalar(loadedScalar(size, signExtend));
    return std::nullopt;
  }
  case RegionKind::Context:
    if (kind == AccessKind::Write && stored && stored->isPointer() && !options.privileged)
      return violation(Rule::PointerLeak, registerName(base) + " leaks addr into ctx", state,
                       {base});
    return checkContextAccess(state, base, at, size, kind, loaded, signExtend);
  case RegionKind::Socket:
  case RegionKind::SockCommon:
  case RegionKind::TcpSock:
  case RegionKind::FlowKeys: {
    const ContextValue pointee = pointer.region == RegionKind::Socket ? ContextValue::Socket
                                 : pointer.region == RegionKind::SockCommon
                                     ? ContextValue::SockCommonOrNull
                                 : pointer.region == RegionKind::TcpSock ? ContextValue::TcpSock
                                                                         : ContextValue::FlowKeys;
    if (!isConstant(pointer.variableOffset) || pointer.variableOffset.bits.value.bits != 0)
      return violation(Rule::VariableOffset,
                       registerName(base) + " variable offset " + typeName(address) +
                           " access prohibited",
                       state, {base});
    const ContextAccess access =
        checkPointeeAccess(pointee, static_cast<std::uint32_t>(std::max<std::int64_t>(at, 0)), size,
                           kind == AccessKind::Write);
    if (at < 0 || !access)
      return violation(Rule::ContextAccess,
                       registerName(base) + " invalid " + typeName(address) +
                           " access off=" + std::to_string(at) + " size=" + std::to_string(size) +
                           (access.reason.empty() ? "" : ": " + access.reason),
                       state, {base});
    if (loaded)
      *loaded = RegisterValue::ofScalar(loadedScalar(size, signExtend));
    return std::nullopt;
  }
  case RegionKind::BtfObject:
    return checkKernelObjectAccess(state, base, pointer.btfType, typeName(address), at, size, kind,
                                   loaded);
  case RegionKind::MapPointer: {
    // The struct embedding the map (bpf_array, bpf_htab, ...) may be read by loaders with
    // CAP_PERFMON (check_ptr_to_map_access).
    const std::string_view mapStruct = kernelStructOfMap(input.maps[pointer.map].type);
    if (!options.privileged)
      return violation(Rule::InvalidDereference,
                       registerName(base) +
                           " is a map pointer: access is allowed only to CAP_PERFMON and "
                           "CAP_SYS_ADMIN",
                       state, {base});
    if (mapStruct.empty())
      return violation(Rule::InvalidDereference,
                       "map_ptr access not supported for map type " +
                           std::to_string(static_cast<unsigned>(input.maps[pointer.map].type)),
                       state, {base});
    if (kind == AccessKind::Write)
      return violation(Rule::ReadOnlyWrite,
                       "only read from " + std::string(mapStruct) +
                           " is supported: a map's own struct is read-only",
                       state, {base});
    return checkKernelObjectAccess(state, base, mapStruct, std::string(mapStruct), at, size, kind,
                                   loaded);
  }
  case RegionKind::XdpSock:
  case RegionKind::TracepointBuffer:
    return violation(Rule::Unsupported,
                     "accesses through " + typeName(address) +
                         " pointers need the kernel's BTF layout, which bpfcheck does not "
                         "check yet",
                     state, {base});
  case RegionKind::PacketEnd:
  case RegionKind::Function:
    break;
  }
  return violation(Rule::InvalidDereference,
                   registerName(base) + " invalid mem access '" + typeName(address) + "': " +
                       std::string(descriptionOf(pointer.region)) + " cannot be dereferenced",
                   state, {base});
}

Check Analysis::checkKernelObjectAccess(AbstractState &state, unsigned base,
                                        std::string_view structName, const std::string &shownAs,
                                        std::int64_t at, unsigned size, AccessKind kind,
                                        RegisterValue *loaded) {
  const RegisterValue &address = state.reg(base);
  const PointerValue &pointer = address.pointer;
  if (!input.kernelTypes)
    return violation(Rule::Unsupported,
                     "accesses through " + shownAs +
                         " pointers need the kernel's BTF, which was not given",
                     state, {base});
  if (!isConstant(pointer.variableOffset))
    return violation(Rule::VariableOffset,
                     registerName(base) + " is " + shownAs + " invalid variable offset: off=" +
                         std::to_string(at) + ", var_off=(" + describe(pointer.variableOffset) +
                         "): kernel objects are read at constant offsets",
                     state, {base});
  const std::int64_t offset =
      at + static_cast<std::int64_t>(pointer.variableOffset.bits.value.bits);
  if (offset < 0)
    return violation(Rule::MemoryBounds,
                     registerName(base) + " is " + shownAs +
                         " invalid negative access: off=" + std::to_string(offset),
                     state, {base});
  if (kind == AccessKind::Write)
    return checkKernelObjectWrite(state, base, offset, size);
  const KernelField field = input.kernelTypes->readField(
      structName, static_cast<std::uint32_t>(offset), size, pointer.trust == Trust::Untrusted);
  if (!field.allowed)
    return violation(Rule::MemoryBounds, field.reason, state, {base});
  if (!loaded)
    return std::nullopt;
  if (field.isPointer) {
    // A pointer read from a kernel object keeps the trust of its source only for the fields
    // the kernel lists (check_ptr_to_btf_access; elsewhere it may be stale, and the kernel
    // reads through it with exception handling, so reads stay allowed). RCU-protected fields
    // are valid only inside the RCU read section: the whole run of a program that cannot
    // sleep; bpfcheck does not follow bpf_rcu_read_lock sections in sleepable ones.
    PointerValue object;
    object.region = RegionKind::BtfObject;
    object.btfType = field.pointee;
    object.trust = pointer.trust;
    if (pointer.trust == Trust::Trusted || pointer.trust == Trust::Rcu) {
      const FieldTrust trust = trustOfPointerField(structName, field.member);
      const bool inRcuSection = !input.sleepable;
      switch (trust) {
      case FieldTrust::Trusted:
      case FieldTrust::TrustedOrNull:
        object.trust = Trust::Trusted;
        break;
      case FieldTrust::Rcu:
      case FieldTrust::RcuOrNull:
        object.trust = inRcuSection ? Trust::Rcu : Trust::Untrusted;
        break;
      case FieldTrust::Unlisted:
        object.trust = inRcuSection ? Trust::Plain : Trust::Untrusted;
        break;
      }
      if (object.trust != Trust::Untrusted &&
          (trust == FieldTrust::RcuOrNull || trust == FieldTrust::TrustedOrNull)) {
        object.maybeNull = true;
        object.id = freshId();
      }
    }
    *loaded = RegisterValue::ofPointer(object);
  } else {
    *loaded = RegisterValue::ofScalar(loadedScalar(size, false));
  }
  return std::nullopt;
}

Check Analysis::checkKernelObjectWrite(AbstractState &state, unsigned base, std::int64_t offset,
                                       unsigned size) {
  const PointerValue &pointer = state.reg(base).pointer;
  const std::string object(pointer.btfType);
  bool structWritable = false;
  for (const WritableKernelField &field : allWritableKernelFields()) {
    if (input.type != ProgramType::StructOps || field.structOpsType != input.structOpsType ||
        field.objectStruct != pointer.btfType)
      continue;
    structWritable = true;
    const auto extent = input.kernelTypes->memberExtent(field.memberStruct, field.memberPath);
    if (!extent)
      continue;
    const auto [first, end] = *extent;
    const bool starts =
        offset == first || (field.anyOffsetInside && offset > first && offset < end);
    if (!starts)
      continue;
    if (offset + size > end)
      return violation(Rule::ReadOnlyWrite,
                       "write access at off " + std::to_string(offset) + " with size " +
                           std::to_string(size) + " beyond the member of " + object + " ended at " +
                           std::to_string(end),
                       state, {base});
    return std::nullopt;
  }
  if (structWritable)
    return violation(Rule::ReadOnlyWrite,
                     "no write support to " + object + " at off " + std::to_string(offset) +
                         ": only a few members of " + object + " may be written",
                     state, {base});
  return violation(Rule::ReadOnlyWrite,
                   "only read is supported: writing " + bytesText(size) + " at offset " +
                       std::to_string(offset) + " of struct " + object + " is not allowed",
                   state, {base});
}

Check Analysis::checkSamePointerKind(const AbstractState &state, unsigned base) {
  const RegisterValue &address = state.reg(base);
  if (!address.isPointer())
    return std::nullopt;
  // The kernel rewrites context, socket and kernel-object accesses per instruction, so one
  // instruction may not access those and other kinds of memory on different paths.
  if (accessRegions.empty())
    accessRegions.assign(input.code->instructions.size(), -1);
  std::int16_t &seen = accessRegions[currentIndex];
  const auto region = static_cast<std::int16_t>(address.pointer.region);
  if (seen >= 0 && seen != region &&
      (accessesAreRewritten(address.pointer.region) ||
       accessesAreRewritten(static_cast<RegionKind>(seen))))
    return violation(Rule::InvalidDereference,
                     "same insn cannot be used with different pointers: " + registerName(base) +
                         " is " + typeName(address) + " here and " +
                         std::string(kernelNameOf(static_cast<RegionKind>(seen))) +
                         " on another path",
                     state, {base});
  seen = region;
  return std::nullopt;
}

Check Analysis::executeLoad(AbstractState &state, const Load &load) {
  if (auto failed = writable(load.dst.index))
    return failed;
  if (auto failed = checkSamePointerKind(state, load.base.index))
    return failed;
  RegisterValue loaded;
  if (auto failed = checkMemoryAccess(state, load.base.index, load.offset, bytes(load.width),
                                      AccessKind::Read, nullptr, &loaded, load.signExtend))
    return failed;
  state.reg(load.dst.index) = loaded;
  return std::nullopt;
}

Check Analysis::executeStore(AbstractState &state, const Store &store) {
  if (auto failed = checkSamePointerKind(state, store.base.index))
    return failed;
  RegisterValue value;
  if (const Reg *src = std::get_if<Reg>(&store.value)) {
    if (auto failed = readable(state, src->index))
      return failed;
    RegisterValue &source = state.reg(src->index);
    // A spilled scalar shares its identity with the register, so that a bound learnt on
    // the filled copy holds for the original (when the stored bytes hold all of it).
    const unsigned stored = bytes(store.width);
    const bool fits =
        stored == 8 || source.scalar.unsigned64.maximum.bits < (std::uint64_t(1) << (8 * stored));
    if (source.isScalar() && !isConstant(source.scalar) && source.id == 0 && fits &&
        state.reg(store.base.index).isPointerTo(RegionKind::Stack))
      source.id = freshId();
    value = source;
  } else {
    if (state.reg(store.base.index).isPointerTo(RegionKind::Context))
      return violation(Rule::ContextAccess,
                       "BPF_ST stores into r" + std::to_string(store.base.index) +
                           " ctx is not allowed: store a register instead",
                       state, {store.base.index});
    const auto imm =
        static_cast<std::uint64_t>(static_cast<std::int64_t>(std::get<Imm>(store.value).value));
    value = RegisterValue::ofScalar(scalarTruncate(constantScalar(imm), bits(store.width)));
  }
  const unsigned size = bytes(store.width);
  if (value.isScalar() && size < 8 &&
      value.scalar.unsigned64.maximum.bits >= (std::uint64_t(1) << (8 * size)))
    value = RegisterValue::ofScalar(scalarTruncate(value.scalar, 8 * size));
  return checkMemoryAccess(state, store.base.index, store.offset, size, AccessKind::Write, &value,
                           nullptr, false);
}

Check Analysis::executeAtomic(AbstractState &state, const Atomic &atomic) {
  const unsigned base = atomic.base.index;
  const unsigned src = atomic.src.index;
  if (auto failed = readable(state, src))
    return failed;
  if (auto failed = readable(state, base))
    return failed;
  const bool compareExchange = atomic.op == AtomicOp::CompareExchange;
  if (compareExchange)
    if (auto failed = readable(state, 0))
      return failed;
  const RegisterValue &address = state.reg(base);
  if (address.isPointer()) {
    if (!allowsAtomics(address.pointer.region))
      return violation(Rule::InvalidInstruction,
                       "BPF_ATOMIC stores into " + registerName(base) + " " + typeName(address) +
                           " is not allowed",
                       state, {base});
  }
  if (state.reg(src).isPointer() && !options.privileged)
    return violation(Rule::PointerLeak, registerName(src) + " leaks addr into mem", state, {src});
  const unsigned size = bytes(atomic.width);
  if (address.isPointer()) {
    // Atomics are always checked for alignment (strict_alignment_once).
    const PointerValue &pointer = address.pointer;
    const Tnum<BitWord<64>> offset =
        tnumAdd(pointer.variableOffset.bits,
                Tnum<BitWord<64>>::constant(
                    BitWord<64>(static_cast<std::uint64_t>(pointer.fixedOffset + atomic.offset))));
    if (((offset.value.bits | offset.mask.bits) & (size - 1)) != 0)
      return violation(Rule::Alignment,
                       "misaligned " + std::string(kernelNameOf(pointer.region)) +
                           " access: atomic operations need " + std::to_string(size) +
                           "-byte alignment",
                       state, {base});
  }
  RegisterValue old;
  if (auto failed = checkMemoryAccess(state, base, atomic.offset, size, AccessKind::Read, nullptr,
                                      &old, false))
    return failed;
  const RegisterValue written = RegisterValue::ofScalar(scalarOfBytes(size));
  if (auto failed = checkMemoryAccess(state, base, atomic.offset, size, AccessKind::Write, &written,
                                      nullptr, false))
    return failed;
  if (old.isPointer() && size < 8)
    old = RegisterValue::ofScalar(scalarOfBytes(size));
  if (compareExchange)
    state.reg(0) = old;
  else if (atomic.fetch || atomic.op == AtomicOp::Exchange)
    state.reg(src) = old;
  return std::nullopt;
}

StepOutcome Analysis::executeLoadPacket(AbstractState state, const LoadPacket &load,
                                        std::uint32_t index) {
  StepOutcome outcome;
  if (auto failed = checkLoadPacket(state, load)) {
    outcome.violation = std::move(failed);
    return outcome;
  }
  // When the load fails (past the packet's end), the function returns 0: in the program
  // that ends it; in a subprogram, its caller goes on with r0 = 0.
  if (state.frames.size() > 1) {
    AbstractState failed = state;
    failed.reg(0) = RegisterValue::constant(0);
    outcome = executeExit(std::move(failed), index);
    if (outcome.violation)
      return outcome;
  }
  for (unsigned r = 1; r <= 5; ++r)
    state.reg(r) = RegisterValue::uninitialized();
  state.reg(0) = RegisterValue::ofScalar(scalarOfBytes(bytes(load.width)));
  outcome.successors.insert(outcome.successors.begin(), {std::move(state), index + 1});
  return outcome;
}

Check Analysis::checkLoadPacket(const AbstractState &state, const LoadPacket &load) {
  if (!legacyPacketLoadsAllowed(input.type))
    return violation(Rule::InvalidInstruction,
                     "BPF_LD_[ABS|IND] instructions are not allowed for " +
                         std::string(nameOf(input.type)) + " programs",
                     state);
  for (const Frame &frame : state.frames)
    if (frame.isCallback)
      return violation(Rule::InvalidInstruction,
                       "cannot use BPF_LD_[ABS|IND] within callback: its failure would return "
                       "from the callback early",
                       state);
  if (!state.references.empty())
    return violation(Rule::UnreleasedReference,
                     "BPF_LD_[ABS|IND] cannot be mixed with socket references: it may end the "
                     "program while a reference is held",
                     state);
  if (state.lock)
    return violation(Rule::Lock, "BPF_LD_[ABS|IND] cannot be used inside bpf_spin_lock-ed region",
                     state);
  if (auto failed = readable(state, 6))
    return failed;
  if (!state.reg(6).isPointerTo(RegionKind::Context))
    return violation(Rule::InvalidInstruction, "at the time of BPF_LD_ABS|IND r6 != pointer to skb",
                     state, {6});
  if (load.indirect) {
    if (auto failed = readable(state, load.src.index))
      return failed;
    if (!state.reg(load.src.index).isScalar())
      return violation(Rule::InvalidInstruction,
                       registerName(load.src.index) + " must hold a scalar offset for BPF_LD_IND",
                       state, {load.src.index});
  }
  return std::nullopt;
}

} // namespace bpfcheck::absint::detail
