// Maps as libbpf creates them for an object, programs decoded for the interpreter, and runs
// on contexts the runtime builds.
#include "bpfcheck/driver/ObjectRun.h"

#include "bpfcheck/runtime/MapFactory.h"
#include "bpfcheck/runtime/MapInMap.h"
#include "bpfcheck/runtime/ProgArrayMap.h"

#include <linux/bpf.h>
#include <linux/if_ether.h>

#include <chrono>
#include <cstring>
#include <string>

namespace bpfcheck::driver {

namespace {

runtime::MapSpec specOf(const MapDefinition &definition) {
  runtime::MapSpec spec;
  spec.type = static_cast<MapType>(definition.type);
  spec.keySize = definition.keySize;
  spec.valueSize = definition.valueSize;
  spec.maxEntries = definition.maxEntries;
  spec.flags = definition.flags | (definition.readOnly ? BPF_F_RDONLY_PROG : 0);
  spec.mapExtra = definition.mapExtra;
  spec.name = definition.name;
  return spec;
}

} // namespace

ObjectRunner::ObjectRunner(const Object &object, runtime::SimulatedSystem system)
    : source(object), maps(std::make_unique<runtime::Runtime>(
                          std::make_shared<runtime::MapEnvironment>(), std::move(system))),
      environment(std::make_unique<interp::RuntimeEnvironment>(*maps)),
      interpreter(std::make_unique<interp::Interpreter>(*environment)) {}

Expected<std::unique_ptr<ObjectRunner>> ObjectRunner::create(const Object &object,
                                                             runtime::SimulatedSystem system) {
  std::unique_ptr<ObjectRunner> runner(new ObjectRunner(object, std::move(system)));
  if (auto created = runner->createMaps(); !created)
    return created.takeError();
  if (auto decodedPrograms = runner->decodePrograms(); !decodedPrograms)
    return decodedPrograms.takeError();
  if (auto filled = runner->fillSlots(); !filled)
    return filled.takeError();
  return runner;
}

Expected<bool> ObjectRunner::createMaps() {
  for (const MapDefinition &definition : source.maps) {
    runtime::MapSpec spec = specOf(definition);
    if (definition.innerMap && *definition.innerMap < source.maps.size())
      spec.innerMap =
          std::make_shared<const runtime::MapSpec>(specOf(source.maps[*definition.innerMap]));
    auto map = runtime::createMap(spec, maps->sharedEnvironment());
    if (!map)
      return Error("map '" + definition.name + "': " + map.error().message);
    if (!definition.initialData.empty()) {
      const std::uint32_t key = 0;
      std::vector<std::byte> value(definition.valueSize, std::byte{0});
      std::memcpy(value.data(), definition.initialData.data(),
                  std::min<std::size_t>(value.size(), definition.initialData.size()));
      if (auto status =
              (*map)->update({reinterpret_cast<const std::byte *>(&key), sizeof key}, value);
          !status)
        return Error("map '" + definition.name + "': initial data: " + status.error().message);
    }
    maps->addMap(*map);
  }
  return true;
}

Expected<bool> ObjectRunner::decodePrograms() {
  decoded.resize(source.programs.size());
  for (std::size_t i = 0; i < source.programs.size(); ++i) {
    const Program &program = source.programs[i];
    if (!program.malformed.empty() || program.code.instructions.empty())
      continue; // run() reports it if asked for
    auto code = interp::predecode(program.code, environment.get());
    if (!code)
      return Error("program '" + program.name + "': " + code.error().message);
    decoded[i] = std::move(*code);
    environment->addTailCallTarget(static_cast<std::uint32_t>(i + 1), *decoded[i]);
  }
  return true;
}

Expected<bool> ObjectRunner::fillSlots() {
  for (std::size_t index = 0; index < source.maps.size(); ++index) {
    const MapDefinition &definition = source.maps[index];
    for (const MapSlotInitializer &slot : definition.initialSlots) {
      std::uint32_t value = 0;
      if (static_cast<MapType>(definition.type) == MapType::ProgArray) {
        for (std::size_t i = 0; i < source.programs.size(); ++i)
          if (source.programs[i].name == slot.target)
            value = static_cast<std::uint32_t>(i + 1); // the handle addTailCallTarget used
      } else if (auto inner = findMap(slot.target)) {
        value = inner->id();
      }
      if (!value)
        return Error("map '" + definition.name + "': slot " + std::to_string(slot.index) +
                     " names '" + slot.target + "', which the object does not define");
      auto status = maps->mapAt(index)->update(
          {reinterpret_cast<const std::byte *>(&slot.index), sizeof slot.index},
          {reinterpret_cast<const std::byte *>(&value), sizeof value});
      if (!status)
        return Error("map '" + definition.name + "': slot " + std::to_string(slot.index) + ": " +
                     status.error().message);
    }
  }
  return true;
}

std::shared_ptr<runtime::Map> ObjectRunner::findMap(std::string_view name) const {
  for (std::size_t i = 0; i < source.maps.size(); ++i)
    if (source.maps[i].name == name)
      return maps->sharedMapAt(i);
  return nullptr;
}

Expected<ProgramRunOutcome> ObjectRunner::run(std::string_view name,
                                              const runtime::ContextInput &input,
                                              const interp::RunOptions &options, unsigned repeat) {
  const Program *program = source.findProgram(name);
  if (!program)
    return Error("the object has no program '" + std::string(name) + "'");
  const auto index = static_cast<std::size_t>(program - source.programs.data());
  if (!decoded[index])
    return Error("program '" + program->name + "' cannot run: " +
                 (program->malformed.empty() ? std::string("it has no code") : program->malformed));
  ProgramRunOutcome outcome;
  std::chrono::nanoseconds total{0};
  for (unsigned iteration = 0; iteration < std::max(repeat, 1u); ++iteration) {
    auto context = runtime::ProgramContext::create(program->type, input);
    if (!context)
      return context.takeError();
    runtime::Invocation invocation;
    invocation.context = &*context;
    environment->setInvocation(&invocation);
    std::vector<interp::MemoryRegion> regions;
    interp::RunInput runInput;
    runInput.arguments[0] =
        reinterpret_cast<std::uintptr_t>(context->size() ? context->pointer() : nullptr);
    if (context->size())
      regions.push_back({reinterpret_cast<std::uintptr_t>(context->pointer()), context->size(),
                         true, interp::RegionKind::Context, "ctx"});
    if (runtime::PacketBuffer *packet = context->packet()) {
      // The packet as checked mode sees it: data_meta .. data_end (helpers that move data
      // re-describe nothing: a program must reload data after them, as the verifier demands).
      regions.push_back({reinterpret_cast<std::uintptr_t>(packet->dataMeta()),
                         packet->metadataSize() + packet->size(), true, interp::RegionKind::Packet,
                         "packet"});
      if (context->hasSocketBufferPacket()) {
        // LD_ABS counts from skb->data; the network header follows the Ethernet header.
        const auto hidden = static_cast<std::int64_t>(context->hiddenLinkHeader());
        runInput.packet =
            interp::PacketView{packet->data(), packet->size(), true, ETH_HLEN - hidden, -hidden};
      }
    }
    // Global data: programs reach these values through ld_imm64 without a helper call.
    for (std::size_t map = 0; map < source.maps.size(); ++map)
      if (source.maps[map].origin == MapOrigin::GlobalData ||
          source.maps[map].origin == MapOrigin::Kconfig) {
        const std::uint32_t firstKey = 0;
        runtime::Map &global = *maps->mapAt(map);
        if (void *value = global.programLookup(&firstKey, maps->system().cpu))
          regions.push_back({reinterpret_cast<std::uintptr_t>(value), global.valueSize(),
                             !source.maps[map].readOnly, interp::RegionKind::MapValue,
                             "global data '" + source.maps[map].name + "'"});
      }
    runInput.regions = regions;
    const auto start = std::chrono::steady_clock::now();
    {
      runtime::RunGuard guard = maps->environment().beginRun();
      outcome.result = interpreter->run(*decoded[index], runInput, options);
    }
    total += std::chrono::steady_clock::now() - start;
    environment->setInvocation(nullptr);
    context->refreshPacketFields();
    outcome.packetOut = context->packetOut();
    outcome.contextOut = context->contextOut();
    for (std::string &line : invocation.effects.traceLines)
      outcome.effects.traceLines.push_back(std::move(line));
    for (const runtime::RedirectAction &action : invocation.effects.redirects)
      outcome.effects.redirects.push_back(action);
    if (!outcome.result.completed())
      break;
  }
  outcome.averageTime = total / std::max(repeat, 1u);
  return outcome;
}

} // namespace bpfcheck::driver
