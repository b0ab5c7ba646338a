// The bridge between the interpreter's calls and the runtime's helpers and maps.
#include "bpfcheck/interp/RuntimeEnvironment.h"

#include "bpfcheck/runtime/ProgArrayMap.h"

#include <string>

namespace bpfcheck::interp {

namespace {

/// The runtime's view of the interpreter during one helper call.
class CallHost final : public runtime::ProgramHost {
public:
  explicit CallHost(CallContext &context) : context(context) {}

  std::optional<std::uint64_t> invokeCallback(std::uint64_t function,
                                              std::span<const std::uint64_t> arguments) override {
    return context.invokeCallback(function, arguments);
  }
  void exposeMemory(const void *address, std::size_t size, bool writable) override {
    if (context.checksMemory())
      context.registerRegion(
          {reinterpret_cast<std::uintptr_t>(address), size, writable, RegionKind::MapValue, {}});
  }

private:
  CallContext &context;
};

HelperOutcome outcomeOf(runtime::HelperResult result) {
  switch (result.status) {
  case runtime::HelperResult::Status::Returned:
    return HelperOutcome::returned(result.value);
  case runtime::HelperResult::Status::NotProvided:
    return HelperOutcome::notProvided(std::move(result.message));
  case runtime::HelperResult::Status::Failed:
    break;
  }
  return HelperOutcome::failed(std::move(result.message));
}

} // namespace

void RuntimeEnvironment::addTailCallTarget(std::uint32_t handle, const DecodedProgram &program) {
  tailCallTargets[handle] = &program;
}

HelperOutcome RuntimeEnvironment::callHelper(const HelperCall &call, CallContext &context) {
  CallHost host(context);
  return outcomeOf(
      runtime.callHelper(static_cast<HelperId>(call.id), call.arguments, *invocation, host));
}

TailCallTarget RuntimeEnvironment::resolveTailCall(std::uint64_t programArray,
                                                   std::uint32_t index) {
  auto *array =
      dynamic_cast<runtime::ProgArrayMap *>(runtime.mapAtAddress(programArray, *invocation));
  if (!array || index >= array->maxEntries())
    return {};
  const std::optional<std::uint32_t> handle = array->tailCallTarget(index);
  if (!handle)
    return {true, nullptr};
  const auto target = tailCallTargets.find(*handle);
  return {true, target == tailCallTargets.end() ? nullptr : target->second};
}

Expected<std::uint64_t> RuntimeEnvironment::resolve(const LoadImmediate64 &load,
                                                    std::uint32_t pc) const {
  const bool valueReference = load.kind == ImmediateKind::MapIndexValue;
  if (load.kind != ImmediateKind::MapIndex && !valueReference)
    return Error("insn at slot " + std::to_string(pc) +
                 ": only map references by index can be resolved by the runtime");
  runtime::Map *map = runtime.mapAt(static_cast<std::uint32_t>(load.imm));
  if (!map)
    return Error("insn at slot " + std::to_string(pc) + ": map index " + std::to_string(load.imm) +
                 " is not a map of the runtime");
  if (!valueReference)
    return reinterpret_cast<std::uintptr_t>(map);
  // BPF_PSEUDO_MAP_VALUE: the address of the first element's value plus the offset, as the
  // kernel's map_direct_value_addr gives it (array maps only).
  const std::uint32_t firstKey = 0;
  void *value = map->programLookup(&firstKey, runtime.system().cpu);
  if (!value || static_cast<std::uint32_t>(load.nextImm) >= map->valueSize())
    return Error("insn at slot " + std::to_string(pc) + ": map index " + std::to_string(load.imm) +
                 " has no value at offset " + std::to_string(load.nextImm) +
                 " for a direct value reference");
  return reinterpret_cast<std::uintptr_t>(static_cast<std::byte *>(value) + load.nextImm);
}

} // namespace bpfcheck::interp
