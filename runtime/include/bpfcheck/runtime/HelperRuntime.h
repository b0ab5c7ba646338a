// The helpers of a runtime: the maps of one object, a simulated machine and task, and the
// implementation of each helper with a userspace meaning, chosen by id from a table
// (lib/HelperTable.cpp). The engine that executes programs (interp) calls `callHelper` with
// r1..r5 and an Invocation describing the run in progress.
#pragma once

#include "bpfcheck/platform/Helpers.h"
#include "bpfcheck/runtime/Map.h"
#include "bpfcheck/runtime/MapEnvironment.h"
#include "bpfcheck/runtime/ProgramContext.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace bpfcheck::runtime {

/// What a helper may ask of the engine running the program.
class ProgramHost {
public:
  /// Runs the program's function at `function` (a callback address) with `arguments` in
  /// r1.., returning its r0; empty when the run stopped inside it (the helper returns at once).
  virtual std::optional<std::uint64_t> invokeCallback(std::uint64_t function,
                                                      std::span<const std::uint64_t> arguments) = 0;
  /// Memory a helper hands to the program (a map value): accessible for the rest of the run.
  virtual void exposeMemory(const void *address, std::size_t size, bool writable) = 0;

protected:
  ~ProgramHost() = default;
};

/// What a helper did: returned r0, is not implemented by the runtime, or failed in a way the
/// kernel would not (a map pointer that is no map): the run stops with the message.
struct HelperResult {
  enum class Status : std::uint8_t { Returned, NotProvided, Failed };
  Status status = Status::Returned;
  std::uint64_t value = 0;
  std::string message;

  static HelperResult returned(std::uint64_t value) { return {Status::Returned, value, {}}; }
  static HelperResult notProvided(std::string why) {
    return {Status::NotProvided, 0, std::move(why)};
  }
  static HelperResult failed(std::string why) { return {Status::Failed, 0, std::move(why)}; }
};

/// The machine and task programs run on. Deterministic by default, so runs repeat.
struct SimulatedSystem {
  unsigned cpu = 0;                             ///< bpf_get_smp_processor_id
  std::uint64_t bootTimeNs = 1'000'000'000'000; ///< the clocks' value at the first call
  std::uint64_t clockStepNs = 1000;             ///< how far each clock read advances
  std::uint32_t pid = 4242, tgid = 4242, uid = 0, gid = 0;
  std::string comm = "bpfcheck"; ///< at most 15 characters are returned, as TASK_COMM_LEN
  std::uint64_t randomSeed = 1;  ///< bpf_get_prandom_u32's sequence
};

/// A packet-redirect decision a program made (bpf_redirect, bpf_clone_redirect, ...).
struct RedirectAction {
  HelperId helper;
  std::uint32_t ifindex = 0;
  std::uint64_t flags = 0;
};

/// What runs produced besides memory and r0.
struct RunEffects {
  std::vector<std::string> traceLines; ///< bpf_trace_printk output, one line each
  std::vector<RedirectAction> redirects;
};

/// One program run in progress: its context (null for programs run without one) and the
/// effects it produces.
struct Invocation {
  ProgramContext *context = nullptr;
  RunEffects effects;
  /// Inner maps the run obtained from map-in-map lookups: valid map arguments too.
  std::vector<const Map *> innerMaps;
};

class Runtime {
public:
  Runtime(std::shared_ptr<MapEnvironment> environment, SimulatedSystem system = {});

  MapEnvironment &environment() { return *maps; }
  const std::shared_ptr<MapEnvironment> &sharedEnvironment() const { return maps; }
  const SimulatedSystem &system() const { return machine; }

  /// Adds a map; its index is the order of addition (the object's map index).
  std::size_t addMap(std::shared_ptr<Map> map);
  std::size_t mapCount() const { return objectMaps.size(); }
  Map *mapAt(std::size_t index) const;
  std::shared_ptr<Map> sharedMapAt(std::size_t index) const;
  /// The map at this address if it is one of this runtime's, or an inner map the run
  /// obtained, else null: helpers check their map arguments with it.
  Map *mapAtAddress(std::uint64_t address, const Invocation &invocation) const;

  /// Runs helper `id` with r1..r5.
  HelperResult callHelper(HelperId id, const std::array<std::uint64_t, 5> &arguments,
                          Invocation &invocation, ProgramHost &host);

  // The simulated machine's state, for the helper implementations.
  std::uint64_t readClock();
  std::uint32_t nextRandom();

private:
  std::shared_ptr<MapEnvironment> maps;
  SimulatedSystem machine;
  std::vector<std::shared_ptr<Map>> objectMaps;
  std::uint64_t clock;
  std::mt19937 random;
};

} // namespace bpfcheck::runtime
