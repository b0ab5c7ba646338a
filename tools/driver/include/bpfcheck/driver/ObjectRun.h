// Running the programs of a loaded object as a loader would after BPF_PROG_LOAD: its maps
// created in a runtime (global data filled in, .rodata read-only to programs, prog arrays
// and map-in-maps filled from their initialisers), every program pre-decoded, and one
// program run on a context built from a packet and ctx bytes, as BPF_PROG_TEST_RUN does.
#pragma once

#include "bpfcheck/frontend/Object.h"
#include "bpfcheck/interp/Interpreter.h"
#include "bpfcheck/interp/RuntimeEnvironment.h"
#include "bpfcheck/runtime/HelperRuntime.h"
#include "bpfcheck/runtime/ProgramContext.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace bpfcheck::driver {

/// What one run (or the last of `repeat` runs) of a program gave.
struct ProgramRunOutcome {
  interp::RunResult result;
  std::vector<std::byte> packetOut;  ///< data_out
  std::vector<std::byte> contextOut; ///< ctx_out
  runtime::RunEffects effects;       ///< of every run
  std::chrono::nanoseconds averageTime{0};
};

class ObjectRunner {
public:
  /// Creates the maps of `object` and decodes its programs; errors name the map or program.
  static Expected<std::unique_ptr<ObjectRunner>> create(const Object &object,
                                                        runtime::SimulatedSystem system = {});

  /// Runs `program` `repeat` times (each on a fresh context from `input`; maps keep their
  /// contents across runs, as with BPF_PROG_TEST_RUN's repeat).
  Expected<ProgramRunOutcome> run(std::string_view program, const runtime::ContextInput &input,
                                  const interp::RunOptions &options = {}, unsigned repeat = 1);

  runtime::Runtime &runtime() { return *maps; }
  const Object &object() const { return source; }
  /// The map the object names `name`, or null.
  std::shared_ptr<runtime::Map> findMap(std::string_view name) const;

private:
  explicit ObjectRunner(const Object &object, runtime::SimulatedSystem system);
  Expected<bool> createMaps();
  Expected<bool> decodePrograms();
  Expected<bool> fillSlots();

  const Object &source;
  std::unique_ptr<runtime::Runtime> maps;
  std::unique_ptr<interp::RuntimeEnvironment> environment;
  std::vector<std::optional<interp::DecodedProgram>> decoded; ///< by program index
  std::unique_ptr<interp::Interpreter> interpreter;
};

} // namespace bpfcheck::driver
