// Helper calls: availability, licence and sleepability from the tables, the arguments
// (HelperArguments.cpp), references acquired and released, locks, callbacks, clobbered
// registers, invalidated packet pointers, and the typed result in r0.

#include "Analysis.h"

#include "bpfcheck/platform/AttachTargets.h"
#include "bpfcheck/platform/Callbacks.h"
#include "bpfcheck/platform/HelperAvailability.h"
#include "bpfcheck/platform/MapTypeRules.h"

#include <algorithm>
#include <limits>

namespace bpfcheck::absint::detail {

namespace {

/// The largest CPU id on any supported machine (CONFIG_NR_CPUS is at most 8192).
constexpr std::int64_t largestCpuId = 8191;

Scalar scalarInSignedRange(std::int64_t minimum, std::int64_t maximum) {
  Scalar s = unknownScalar();
  s.signed64 = {BitWord<64>(static_cast<std::uint64_t>(minimum)),
                BitWord<64>(static_cast<std::uint64_t>(maximum))};
  return scalarReduce(s);
}

/// Whether the helper has called its callback as often as its arguments allow (bpf_loop:
/// nr_loops times), so that only its return remains to be explored.
bool callbackCallsExhausted(const AbstractState &state, const CallbackConvention &convention) {
  if (convention.callsBoundArg == 0)
    return false;
  const RegisterValue &bound = state.reg(convention.callsBoundArg);
  // The helper truncates nr_loops to 32 bits, which never makes it larger.
  return bound.isScalar() && state.current().callbackCalls >= bound.scalar.unsigned64.maximum.bits;
}

} // namespace

RegisterValue Analysis::helperResult(AbstractState &state, const HelperPrototype &helper,
                                     const HelperCallFacts &facts, std::uint32_t index) {
  const HelperReturn &returns = helper.returns;
  PointerValue pointer;
  pointer.maybeNull = (returns.flags & ReturnMaybeNull) != 0;
  bool acquires = helper.acquiresReference;
  switch (returns.kind) {
  case ReturnKind::Integer: {
    std::int64_t minimum = returns.minimum.value_or(std::numeric_limits<std::int64_t>::min());
    std::int64_t maximum = returns.maximum.value_or(std::numeric_limits<std::int64_t>::max());
    if (returns.bound == ReturnBound::SizeArgument && returns.sizeArgument) {
      const std::uint64_t limit = facts.arguments[*returns.sizeArgument].unsigned64.maximum.bits;
      if (limit <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        maximum = std::min(maximum, static_cast<std::int64_t>(limit));
    } else if (returns.bound == ReturnBound::LastCpu) {
      maximum = std::min(maximum, largestCpuId);
    }
    return RegisterValue::ofScalar(scalarInSignedRange(minimum, maximum));
  }
  case ReturnKind::Void:
    return RegisterValue::uninitialized();
  case ReturnKind::MapValue: {
    const MapDescriptor &map = input.maps[facts.map.value_or(0)];
    switch (lookupResultOf(map.type)) {
    case LookupResult::InnerMap:
      pointer.region = RegionKind::MapPointer;
      pointer.map = map.innerMap.value_or(facts.map.value_or(0));
      break;
    case LookupResult::Socket:
      pointer.region = RegionKind::Socket;
      acquires = acquires || helper.acquiresOnSocketMaps;
      break;
    case LookupResult::Value:
      pointer.region = RegionKind::MapValue;
      pointer.map = *facts.map;
      if (lookupOfConstantKeyIsNeverNull(map.type) && facts.constantKey &&
          *facts.constantKey < map.maxEntries)
        pointer.maybeNull = false;
      // Values holding a spin lock are told apart by identity (which lock is held).
      if (findField(map.valueFields, MapValueFieldKind::SpinLock))
        pointer.id = freshId();
      break;
    }
    break;
  }
  case ReturnKind::Socket:
    pointer.region = RegionKind::Socket;
    break;
  case ReturnKind::TcpSock:
    pointer.region = RegionKind::TcpSock;
    break;
  case ReturnKind::SockCommon:
    pointer.region = RegionKind::SockCommon;
    break;
  case ReturnKind::Memory: {
    pointer.region = RegionKind::Memory;
    pointer.readOnly = (returns.flags & ReturnReadOnly) != 0;
    pointer.size = returns.size;
    if (returns.sizeArgument)
      pointer.size = static_cast<std::uint32_t>(std::min<std::uint64_t>(
          facts.arguments[*returns.sizeArgument].unsigned64.minimum.bits, 0xffffffffu));
    break;
  }
  case ReturnKind::RingbufMemory:
    pointer.region = RegionKind::RingbufRecord;
    if (returns.sizeArgument)
      pointer.size = static_cast<std::uint32_t>(std::min<std::uint64_t>(
          facts.arguments[*returns.sizeArgument].unsigned64.minimum.bits, 0xffffffffu));
    break;
  case ReturnKind::BtfId:
    pointer.region = RegionKind::BtfObject;
    pointer.btfType =
        facts.kptrField ? std::string_view(facts.kptrField->pointee) : returns.btfType;
    pointer.trust = (returns.flags & ReturnTrusted)     ? Trust::Trusted
                    : (returns.flags & ReturnUntrusted) ? Trust::Untrusted
                                                        : Trust::Plain;
    if (facts.kptrField) // what bpf_kptr_xchg takes out of the map, with its reference
      pointer.trust = Trust::Trusted;
    break;
  case ReturnKind::MemoryOrBtfId:
  case ReturnKind::DynptrMemory:
    return RegisterValue::unknown(); // refused before the call is followed
  }
  if (pointer.maybeNull && pointer.id == 0)
    pointer.id = freshId();
  if (acquires) {
    const std::uint32_t reference = freshId();
    pointer.referenceId = reference;
    pointer.id = reference;
    state.references.push_back({reference, index, pointer.region, state.trail.count});
  } else if (helper.inheritsReference) {
    pointer.referenceId = facts.argumentReference;
  }
  return RegisterValue::ofPointer(pointer);
}

StepOutcome Analysis::executeHelper(AbstractState state, const Call &call, std::uint32_t index) {
  StepOutcome outcome;
  auto fail = [&](Rule rule, std::string message) {
    outcome.violation = violation(rule, std::move(message), state);
    return outcome;
  };
  const auto id = static_cast<std::uint32_t>(call.imm);
  const HelperPrototype *helper = findHelper(id);
  if (!helper)
    return fail(Rule::UnknownHelper, "invalid func unknown#" + std::to_string(id) +
                                         ": Linux 6.18 has no helper with this number");
  const std::string name = std::string(helper->name) + "#" + std::to_string(id);
  if (!helperAvailable(helper->id, input.type, input.attach))
    return fail(Rule::HelperUnavailable, "program of this type cannot use helper " + name + ": " +
                                             std::string(nameOf(input.type)) +
                                             " programs may not call it");
  if (!helperAllowedAtTarget(helper->id, input.type, input.attach, input.attachTargetName))
    return fail(Rule::HelperUnavailable,
                "helper call is not allowed in probe: " + name + " may not be called by a " +
                    std::string(nameOf(input.type)) + " program attached to '" +
                    input.attachTargetName + "'");
  if (helper->gplOnly && !input.gplCompatible)
    return fail(Rule::GplOnlyHelper,
                "cannot call GPL-restricted function from non-GPL compatible program: " +
                    std::string(helper->name) + " is GPL-only");
  if (helper->mightSleep && !input.sleepable)
    return fail(Rule::HelperUnavailable,
                "helper call might sleep in a non-sleepable prog: " + std::string(helper->name));
  if (state.lock && helper->id != HelperId::SpinUnlock)
    return fail(Rule::Lock, "function calls are not allowed while holding a lock: " +
                                std::string(helper->name) +
                                " is called with the lock taken at insn " +
                                std::to_string(instruction(state.lock->lockedAt).pc) + " held");
  if (helper->returns.kind == ReturnKind::MemoryOrBtfId ||
      helper->returns.kind == ReturnKind::DynptrMemory)
    return fail(Rule::Unsupported, std::string(helper->name) +
                                       " returns per-cpu or dynptr memory, which bpfcheck does "
                                       "not model yet");
  HelperCallFacts facts;
  if (auto failed = checkHelperArguments(state, *helper, facts)) {
    outcome.violation = failed;
    return outcome;
  }
  if (const RequiredZeroArgument *zero = findRequiredZeroArgument(helper->id);
      zero && !state.reg(zero->argument).isNull())
    return fail(Rule::HelperArgument, std::string(zero->message) + ": argument " +
                                          std::to_string(zero->argument) + " of " +
                                          std::string(helper->name) + " must be 0");

  switch (helper->id) {
  case HelperId::TailCall:
    if (!state.references.empty())
      return fail(Rule::UnreleasedReference,
                  "tail_call would lead to reference leak: the reference acquired at " +
                      placeOf(state.references.front().acquiredAt) + " is still held" +
                      pathSince(state, state.references.front()));
    break;
  case HelperId::SpinLock:
    if (state.lock)
      return fail(Rule::Lock, "Locking two bpf_spin_locks are not allowed");
    state.lock = HeldLock{*facts.map, facts.lockPointerId, index};
    break;
  case HelperId::SpinUnlock:
    if (!state.lock)
      return fail(Rule::Lock, "bpf_spin_unlock without taking a lock");
    if (state.lock->map != *facts.map || state.lock->pointerId != facts.lockPointerId)
      return fail(Rule::Lock, "bpf_spin_unlock of different lock");
    state.lock.reset();
    break;
  default:
    break;
  }

  if (facts.releasedReference != 0)
    releaseReference(state, facts.releasedReference);

  // A synchronous callback: explored from here, returning to this call (which may call it
  // again) when it exits.
  const CallbackConvention *convention =
      facts.callback ? findCallbackConvention(helper->id) : nullptr;
  if (facts.callback && !convention)
    return fail(Rule::Unsupported,
                std::string(helper->name) + " takes a callback bpfcheck has no convention for");
  const bool asynchronous = helper->callback == HelperCallback::Asynchronous;
  if (facts.callback && (asynchronous || !callbackCallsExhausted(state, *convention))) {
    if (!asynchronous && state.frames.size() >= maximumCallFrames)
      return fail(Rule::InvalidCall, "the call stack is too deep for the callback (at most 8)");
    // An asynchronous callback runs later, on its own: a call chain of its own, holding
    // nothing the program holds now.
    AbstractState callbackState = asynchronous ? AbstractState{} : state;
    Frame frame;
    frame.function = functionStartingAt(*input.code, *facts.callback);
    frame.returnTo = index;
    frame.callsite = index;
    frame.isCallback = true;
    for (unsigned r = 1; r <= 5; ++r) {
      const CallbackArg &arg = convention->args[r - 1];
      PointerValue pointer;
      const std::uint32_t map = facts.map.value_or(0);
      switch (arg.kind) {
      case CallbackArgKind::None:
        break;
      case CallbackArgKind::Scalar:
        frame.registers[r] = RegisterValue::unknown();
        break;
      case CallbackArgKind::MapPointer:
        pointer.region = RegionKind::MapPointer;
        pointer.map = map;
        frame.registers[r] = RegisterValue::ofPointer(pointer);
        break;
      case CallbackArgKind::MapKey:
        pointer.region = RegionKind::MapKey;
        pointer.map = map;
        pointer.readOnly = true;
        pointer.size = input.maps[map].keySize;
        frame.registers[r] = RegisterValue::ofPointer(pointer);
        break;
      case CallbackArgKind::MapValue:
        pointer.region = RegionKind::MapValue;
        pointer.map = map;
        frame.registers[r] = RegisterValue::ofPointer(pointer);
        break;
      case CallbackArgKind::CallerArg:
        frame.registers[r] = state.reg(arg.callerArg);
        break;
      case CallbackArgKind::BtfObject:
        pointer.region = RegionKind::BtfObject;
        pointer.trust = Trust::Trusted;
        pointer.btfType = arg.btfType;
        frame.registers[r] = RegisterValue::ofPointer(pointer);
        break;
      case CallbackArgKind::Unsupported:
        return fail(Rule::Unsupported, std::string(helper->name) +
                                           " passes its callback a dynptr, which bpfcheck does "
                                           "not model yet");
      }
    }
    PointerValue stackPointer;
    stackPointer.region = RegionKind::Stack;
    stackPointer.frame = static_cast<std::uint32_t>(callbackState.frames.size());
    frame.registers[framePointer] = RegisterValue::ofPointer(stackPointer);
    callbackState.frames.push_back(std::move(frame));
    outcome.successors.push_back({std::move(callbackState), *facts.callback});
  }

  const RegisterValue result = helperResult(state, *helper, facts, index);
  state.current().callbackCalls = 0;
  for (unsigned r = 1; r <= 5; ++r)
    state.reg(r) = RegisterValue::uninitialized();
  state.reg(0) = result;
  const bool changesPacket =
      helper->changesPacketData && (helper->id != HelperId::TailCall || state.frames.size() > 1);
  if (changesPacket)
    invalidatePacketPointers(state);
  outcome.successors.insert(outcome.successors.begin(), {std::move(state), index + 1});
  return outcome;
}

void Analysis::releaseReference(AbstractState &state, std::uint32_t reference) const {
  std::erase_if(state.references,
                [&](const AcquiredReference &acquired) { return acquired.id == reference; });
  constexpr std::size_t releasesRemembered = 4;
  if (state.released.size() == releasesRemembered)
    state.released.erase(state.released.begin());
  state.released.push_back({reference, currentIndex});
  state.forEachValue([&](RegisterValue &value) {
    if (value.isPointer() && value.pointer.referenceId == reference) {
      value = options.privileged ? RegisterValue::unknown() : RegisterValue::uninitialized();
      value.releasedReference = reference;
    }
  });
}

std::string Analysis::releaseHistory(const AbstractState &state, const RegisterValue &value) const {
  if (value.releasedReference == 0)
    return {};
  for (const ReleasedReference &released : state.released)
    if (released.id == value.releasedReference)
      return "; it held a reference that was released at " + placeOf(released.releasedAt);
  return "; it held a reference that was released earlier on this path";
}

std::string Analysis::placeOf(std::uint32_t index) const {
  std::string text = "insn " + std::to_string(instruction(index).pc);
  if (index < input.code->locations.size() && input.code->locations[index]) {
    const SourceLocation &location = *input.code->locations[index];
    std::string file = location.file;
    if (auto slash = file.rfind('/'); slash != std::string::npos)
      file = file.substr(slash + 1);
    text += " (" + file + ":" + std::to_string(location.line) + ")";
  }
  return text;
}

} // namespace bpfcheck::absint::detail
