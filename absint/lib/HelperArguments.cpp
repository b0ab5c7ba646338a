// Helper arguments, checked against the prototype tables (the kernel's check_func_arg):
// each register must hold what the argument kind asks for, memory the helper reads must be
// readable and memory it writes writable, for the size the size argument allows.

#include "Analysis.h"

#include "bpfcheck/platform/MapTypeRules.h"

#include <algorithm>
#include <limits>

namespace bpfcheck::absint::detail {

Check Analysis::checkHelperMemory(AbstractState &state, unsigned r, std::uint64_t minimumSize,
                                  std::uint64_t maximumSize, AccessKind kind,
                                  const char *argument) {
  (void)minimumSize;
  const RegisterValue &value = state.reg(r);
  const PointerValue &pointer = value.pointer;
  const std::string what = std::string(argument) + " (" + registerName(r) + ")";
  const std::int64_t smin = asSigned(pointer.variableOffset.signed64.minimum);
  const std::int64_t smax = asSigned(pointer.variableOffset.signed64.maximum);
  if (maximumSize == 0) {
    // Nothing is accessed, but a stack pointer must still point into the frame.
    if (pointer.region == RegionKind::Stack &&
        (pointer.fixedOffset + smin < -StackFrame::size || pointer.fixedOffset + smax > 0 ||
         smin <= -maximumVariableOffset || smax >= maximumVariableOffset))
      return violation(Rule::StackBounds,
                       "invalid variable-offset indirect access to stack " + registerName(r) +
                           ": " + what + " may point outside the frame [-512, 0)",
                       state, {r});
    return std::nullopt;
  }
  const std::int64_t size = static_cast<std::int64_t>(maximumSize);
  switch (pointer.region) {
  case RegionKind::Stack: {
    Frame &frame = state.frames[pointer.frame];
    if (smin <= -maximumVariableOffset || smax >= maximumVariableOffset)
      return violation(Rule::StackBounds, what + " has an unbounded stack offset", state, {r});
    const std::int64_t lowest = pointer.fixedOffset + smin;
    const std::int64_t highest = pointer.fixedOffset + smax;
    if (lowest < -StackFrame::size || highest + size > 0)
      return violation(Rule::StackBounds,
                       "invalid " +
                           std::string(kind == AccessKind::Read ? "read from" : "write to") +
                           " stack " + registerName(r) + " off=" + std::to_string(lowest) +
                           " size=" + std::to_string(size) + ": " + what + " needs " +
                           std::to_string(size) + " bytes inside the frame [-512, 0)",
                       state, {r});
    touchStack(state, pointer.frame, lowest);
    if (kind == AccessKind::Write) {
      frame.stack.clobber(lowest, highest + size);
      return std::nullopt;
    }
    if (!options.privileged && !frame.stack.initialized(lowest, highest + size))
      return violation(Rule::UninitializedStack,
                       "invalid indirect read from stack " + registerName(r) + " off " +
                           std::to_string(lowest) + "+0 size " + std::to_string(size) + ": " +
                           what + " is read by the helper but was not written",
                       state, {r});
    return std::nullopt;
  }
  case RegionKind::Packet:
  case RegionKind::PacketMeta: {
    const std::int64_t at = pointer.fixedOffset;
    if (smin < 0 || at < 0 || at + size > pointer.packetRange)
      return violation(Rule::PacketBounds,
                       what + ": " + std::to_string(size) + " bytes at packet offset " +
                           std::to_string(at) + " may be past packet_end (proven packet range is " +
                           std::to_string(pointer.packetRange) + " bytes)",
                       state, {r});
    return std::nullopt;
  }
  default:
    break;
  }
  // Map values, keys and helper memory: bounded regions.
  std::uint64_t regionSize = pointer.size;
  std::string region = std::string(descriptionOf(pointer.region));
  if (pointer.region == RegionKind::MapValue) {
    const MapDescriptor &map = input.maps[pointer.map];
    regionSize = map.valueSize;
    if (kind == AccessKind::Read && map.writeOnly)
      return violation(Rule::ReadOnlyWrite,
                       "read from map forbidden: " + what + " points into map '" + map.name +
                           "', which programs may only write",
                       state, {r});
    if (kind == AccessKind::Write && map.readOnly)
      return violation(Rule::ReadOnlyWrite,
                       "write into map forbidden: " + what + " points into map '" + map.name +
                           "', which is read-only for programs",
                       state, {r});
    if (smin >= 0)
      if (auto failed =
              checkMapValueFields(state, r, pointer, pointer.fixedOffset,
                                  static_cast<std::uint64_t>(size), FieldAccess::Helper, nullptr))
        return failed;
  } else if (kind == AccessKind::Write && pointer.readOnly) {
    return violation(Rule::ReadOnlyWrite, what + " points to read-only memory", state, {r});
  }
  if (smin < 0 || pointer.variableOffset.unsigned64.maximum.bits >= maximumVariableSize)
    return violation(Rule::MemoryBounds,
                     registerName(r) + " unbounded memory access: " + what +
                         " has an offset that may be negative or huge",
                     state, {r});
  const std::int64_t lowest = pointer.fixedOffset + smin;
  const std::int64_t highest =
      pointer.fixedOffset +
      static_cast<std::int64_t>(pointer.variableOffset.unsigned64.maximum.bits);
  if (lowest < 0 || highest + size > static_cast<std::int64_t>(regionSize))
    return violation(pointer.region == RegionKind::MapValue ? Rule::MapValueBounds
                                                            : Rule::MemoryBounds,
                     "invalid access to " + region + ", size=" + std::to_string(regionSize) +
                         " off=" + std::to_string(lowest) + " size=" + std::to_string(size) + ": " +
                         what + " needs " + std::to_string(size) + " bytes inside it",
                     state, {r});
  return std::nullopt;
}

Check Analysis::checkHelperArguments(AbstractState &state, const HelperPrototype &helper,
                                     HelperCallFacts &facts) {
  for (unsigned r = 1; r <= 5; ++r) {
    if (helper.args[r - 1].kind == ArgKind::None)
      break;
    if (auto failed = checkHelperArgument(state, helper, r, facts))
      return failed;
  }
  if (facts.map) {
    const MapDescriptor &map = input.maps[*facts.map];
    if (auto why = checkMapHelperCompatibility(map.type, helper.id, input.type, input.attach))
      return violation(Rule::MapHelper,
                       "map '" + map.name + "' (" + std::string(nameOf(map.type)) +
                           ") cannot be passed to " + std::string(helper.name) + ": " + *why,
                       state, {1});
  }
  return std::nullopt;
}

Check Analysis::checkHelperArgument(AbstractState &state, const HelperPrototype &helper, unsigned r,
                                    HelperCallFacts &facts) {
  const HelperArg &arg = helper.args[r - 1];
  if (auto failed = readable(state, r))
    return failed;
  const RegisterValue value = state.reg(r);
  const std::string name = std::string(helper.name);
  auto mismatch = [&](std::string_view expected) {
    return violation(Rule::HelperArgument,
                     registerName(r) + " type=" + typeName(value) + " expected=" +
                         std::string(expected) + ": argument " + std::to_string(r) + " of " + name +
                         " must be " + std::string(expected) + releaseHistory(state, value),
                     state, {r});
  };
  if (value.isScalar())
    facts.arguments[r] = value.scalar;
  const bool mayBeNull = (arg.flags & MaybeNull) != 0;
  if (value.isPointer() && value.pointer.maybeNull && !mayBeNull && arg.kind != ArgKind::Anything)
    return mismatch("a pointer that is not NULL (null-check it first)");
  if (value.isPointer() && value.pointer.referenceId != 0 && facts.argumentReference == 0)
    facts.argumentReference = value.pointer.referenceId;

  auto checkRelease = [&]() -> Check {
    if ((arg.flags & Release) == 0)
      return std::nullopt;
    if (value.isNull() && mayBeNull)
      return std::nullopt;
    if (!value.isPointer() || value.pointer.referenceId == 0 ||
        !state.findReference(value.pointer.referenceId))
      return violation(Rule::InvalidRelease,
                       registerName(r) + " must be referenced when passed to release function " +
                           name + ": it does not hold a reference this program acquired" +
                           releaseHistory(state, value),
                       state, {r});
    facts.releasedReference = value.pointer.referenceId;
    return std::nullopt;
  };

  switch (arg.kind) {
  case ArgKind::None:
    return std::nullopt;
  case ArgKind::Anything:
    // Any number goes; a pointer would tell an unprivileged program a kernel address.
    if (value.isPointer() && !options.privileged)
      return violation(Rule::PointerLeak,
                       registerName(r) + " leaks addr into helper function " + name +
                           ": without CAP_PERFMON pointers may not be passed as numbers",
                       state, {r});
    return std::nullopt;
  case ArgKind::ConstMapPtr:
    if (!value.isPointerTo(RegionKind::MapPointer) || value.pointer.maybeNull)
      return mismatch("map_ptr");
    // bpf_timer_init: the map must be the one the timer (argument 1) lives in.
    if (facts.map && *facts.map != value.pointer.map)
      return violation(Rule::HelperArgument,
                       "timer pointer in R1 map_uid=0 doesn't match map pointer in R2 map_uid=0: "
                       "the timer lives in map '" +
                           input.maps[*facts.map].name + "', not '" +
                           input.maps[value.pointer.map].name + "'",
                       state, {r});
    facts.map = value.pointer.map;
    return std::nullopt;
  case ArgKind::MapKey:
  case ArgKind::MapValue: {
    if (value.isNull() && mayBeNull)
      return std::nullopt;
    if (!facts.map)
      return violation(Rule::HelperArgument,
                       "invalid map_ptr to access map->" +
                           std::string(arg.kind == ArgKind::MapKey ? "key" : "value"),
                       state, {r});
    const MapDescriptor &map = input.maps[*facts.map];
    // Updates of socket maps take the socket itself as the value.
    if (arg.kind == ArgKind::MapValue && valueIsSocket(map.type)) {
      if (!value.isPointer() ||
          !(isSocket(value.pointer.region) || value.pointer.region == RegionKind::BtfObject))
        return mismatch("sock_common, sock, tcp_sock, xdp_sock, ptr_");
      return std::nullopt;
    }
    if (!value.isPointer() || !acceptsAsMemory(value.pointer.region, helper.packetAccess))
      return mismatch("fp, pkt, pkt_meta, map_key, map_value, mem");
    const bool isKey = arg.kind == ArgKind::MapKey;
    const std::uint32_t size = isKey ? map.keySize : map.valueSize;
    const AccessKind kind = arg.writesMemory() ? AccessKind::Write : AccessKind::Read;
    if (auto failed =
            checkHelperMemory(state, r, size, size, kind, isKey ? "the key" : "the value"))
      return failed;
    const auto at = constantOffset(value.pointer);
    if (isKey && size == 4 && value.isPointerTo(RegionKind::Stack) && at) {
      const RegisterValue key = state.frames[value.pointer.frame].stack.load(*at, 4, false);
      if (key.isScalar() && isConstant(key.scalar))
        facts.constantKey = key.scalar.bits.value.bits;
    }
    return std::nullopt;
  }
  case ArgKind::Memory: {
    if (value.isNull() && mayBeNull)
      return std::nullopt; // the size argument must then be 0; checked with it
    if (!value.isPointer() || !acceptsAsMemory(value.pointer.region, true))
      return mismatch("fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem");
    if ((value.pointer.region == RegionKind::Packet ||
         value.pointer.region == RegionKind::PacketMeta) &&
        !helper.packetAccess)
      return violation(Rule::HelperArgument,
                       "helper access to the packet is not allowed: " + name +
                           " does not take packet pointers",
                       state, {r});
    if ((arg.flags & ReadOnly) == 0 && value.pointer.readOnly)
      return mismatch("writable memory");
    if (arg.flags & FixedSize) {
      const AccessKind kind = arg.writesMemory() ? AccessKind::Write : AccessKind::Read;
      if (arg.flags & Aligned) {
        // MEM_ALIGNED: the memory must be aligned to its size (a long or an int).
        const Tnum<BitWord<64>> offset =
            tnumAdd(value.pointer.variableOffset.bits,
                    Tnum<BitWord<64>>::constant(
                        BitWord<64>(static_cast<std::uint64_t>(value.pointer.fixedOffset))));
        const std::uint64_t lowBits = arg.size - 1;
        if (arg.size > 1 && ((offset.value.bits | offset.mask.bits) & lowBits) != 0)
          return violation(Rule::Alignment,
                           "misaligned " + std::string(kernelNameOf(value.pointer.region)) +
                               " access: argument " + std::to_string(r) + " of " + name +
                               " must be aligned to " + std::to_string(arg.size) + " bytes",
                           state, {r});
      }
      return checkHelperMemory(state, r, arg.size, arg.size, kind, "the memory argument");
    }
    return std::nullopt; // checked with its size argument
  }
  case ArgKind::ConstSize:
  case ArgKind::ConstSizeOrZero: {
    if (!value.isScalar())
      return mismatch("scalar");
    const Scalar &size = value.scalar;
    const bool zeroAllowed = arg.kind == ArgKind::ConstSizeOrZero;
    if (asSigned(size.signed64.minimum) < 0)
      return violation(Rule::HelperArgument,
                       registerName(r) +
                           " min value is negative, either use unsigned or 'var &= const'",
                       state, {r});
    if (size.unsigned64.minimum.bits == 0 && !zeroAllowed)
      return violation(Rule::HelperArgument,
                       registerName(r) + " invalid zero-sized read: the size of " + name +
                           "'s memory must not be 0",
                       state, {r});
    if (size.unsigned64.maximum.bits >= maximumVariableSize)
      return violation(Rule::HelperArgument,
                       registerName(r) +
                           " unbounded memory access, use 'var &= const' or 'if (var < "
                           "const)': the size passed to " +
                           name + " has no upper bound",
                       state, {r});
    const unsigned memoryReg = r - 1;
    const HelperArg &memoryArg = helper.args[memoryReg - 1];
    const RegisterValue &memory = state.reg(memoryReg);
    if (memory.isNull()) {
      if (size.unsigned64.maximum.bits != 0)
        return violation(Rule::HelperArgument,
                         registerName(memoryReg) + " is NULL but the size " + registerName(r) +
                             " may be non-zero",
                         state, {memoryReg, r});
      return std::nullopt;
    }
    const AccessKind kind = memoryArg.writesMemory() ? AccessKind::Write : AccessKind::Read;
    return checkHelperMemory(state, memoryReg, size.unsigned64.minimum.bits,
                             size.unsigned64.maximum.bits, kind, "the memory argument");
  }
  case ArgKind::Context:
    if (value.isNull() && mayBeNull)
      return std::nullopt;
    if (!value.isPointerTo(RegionKind::Context))
      return mismatch("ctx");
    if (!pointsToStart(value.pointer))
      return violation(Rule::HelperArgument,
                       "dereference of modified ctx ptr " + registerName(r) +
                           ": pass the context pointer unmodified",
                       state, {r});
    return std::nullopt;
  case ArgKind::SpinLock:
  case ArgKind::Timer:
    return checkMapValueFieldArgument(state, r, arg.kind, facts);
  case ArgKind::KptrExchangeDestination:
    return checkKptrDestination(state, r, facts);
  case ArgKind::SockCommon:
  case ArgKind::BtfIdSockCommon:
    if (value.isNull() && mayBeNull)
      return std::nullopt;
    if (!value.isPointer() ||
        !(isSocket(value.pointer.region) ||
          (arg.kind == ArgKind::BtfIdSockCommon && value.pointer.region == RegionKind::BtfObject)))
      return mismatch("sock_common, sock, tcp_sock, xdp_sock, ptr_");
    return checkRelease();
  case ArgKind::Socket:
    if (value.isNull() && mayBeNull)
      return std::nullopt;
    if (!value.isPointerTo(RegionKind::Socket))
      return mismatch("sock");
    return checkRelease();
  case ArgKind::BtfId:
    if (value.isNull() && mayBeNull)
      return std::nullopt;
    if (facts.kptrField)
      return checkKptrExchangeSource(state, r, *facts.kptrField, facts);
    if (!value.isPointerTo(RegionKind::BtfObject) ||
        (!arg.btfType.empty() && value.pointer.btfType != arg.btfType))
      return mismatch("ptr_" + std::string(arg.btfType));
    if (value.pointer.trust == Trust::Untrusted)
      return mismatch("trusted_ptr_" + std::string(arg.btfType));
    return checkRelease();
  case ArgKind::RingbufMemory:
    if (!value.isPointerTo(RegionKind::RingbufRecord))
      return mismatch("ringbuf_mem");
    if (!pointsToStart(value.pointer))
      return violation(Rule::HelperArgument,
                       registerName(r) + " must point to the start of the ring buffer record",
                       state, {r});
    return checkRelease();
  case ArgKind::ConstAllocSizeOrZero:
    if (!value.isScalar() || !isConstant(value.scalar))
      return violation(Rule::HelperArgument,
                       registerName(r) + " is not a known constant: " + name +
                           " needs a size known when the program is verified",
                       state, {r});
    return std::nullopt;
  case ArgKind::Function:
    if (!value.isPointerTo(RegionKind::Function))
      return mismatch("func");
    facts.callback = value.pointer.function;
    return std::nullopt;
  case ArgKind::Stack:
    if (value.isNull() && mayBeNull)
      return std::nullopt;
    if (!value.isPointerTo(RegionKind::Stack))
      return mismatch("fp");
    return std::nullopt;
  case ArgKind::ConstString: {
    if (!value.isPointerTo(RegionKind::MapValue))
      return mismatch("map_value");
    const MapDescriptor &map = input.maps[value.pointer.map];
    if (!map.readOnly)
      return violation(Rule::HelperArgument,
                       registerName(r) +
                           " does not point to a readonly map: the format string of " + name +
                           " must be a constant in .rodata",
                       state, {r});
    const auto offset = constantOffset(value.pointer);
    if (!offset)
      return violation(Rule::HelperArgument, registerName(r) + " is not a constant address", state,
                       {r});
    const std::int64_t at = *offset;
    const auto &bytes = map.frozenValue;
    const auto end =
        bytes.begin() + std::min<std::int64_t>(std::max<std::int64_t>(at, 0),
                                               static_cast<std::int64_t>(bytes.size()));
    if (at < 0 || std::find(end, bytes.end(), std::byte{0}) == bytes.end())
      return violation(Rule::HelperArgument,
                       "string is not zero-terminated: " + registerName(r) +
                           " must point to a "
                           "NUL-terminated constant",
                       state, {r});
    return std::nullopt;
  }
  case ArgKind::Arena:
  case ArgKind::PerCpuBtfId:
  case ArgKind::Dynptr:
    break;
  }
  return violation(Rule::Unsupported,
                   "argument " + std::to_string(r) + " of " + name +
                       " is of a kind bpfcheck does not check yet (dynptrs, per-cpu kernel "
                       "pointers, arenas)",
                   state, {r});
}

} // namespace bpfcheck::absint::detail
