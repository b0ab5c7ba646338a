// Runs programs against a runtime (bpfcheck_runtime): helpers come from its helper table,
// ld_imm64 map references resolve to its maps (the object's map index) and their values,
// and bpf_tail_call jumps to the programs registered under prog-array handles.
#pragma once

#include "bpfcheck/interp/DecodedProgram.h"
#include "bpfcheck/interp/ExecutionEnvironment.h"
#include "bpfcheck/runtime/HelperRuntime.h"

#include <cstdint>
#include <unordered_map>

namespace bpfcheck::interp {

class RuntimeEnvironment final : public ExecutionEnvironment, public ReferenceResolver {
public:
  explicit RuntimeEnvironment(runtime::Runtime &runtime) : runtime(runtime), invocation(&idle) {}

  /// The program a prog array slot holding `handle` runs.
  void addTailCallTarget(std::uint32_t handle, const DecodedProgram &program);
  /// The run helpers act on; set before each run (null between runs).
  void setInvocation(runtime::Invocation *current) { invocation = current ? current : &idle; }

  HelperOutcome callHelper(const HelperCall &call, CallContext &context) override;
  TailCallTarget resolveTailCall(std::uint64_t programArray, std::uint32_t index) override;
  /// Map references by the object's map index: the map itself, or an address in the value
  /// of its first element (global data).
  Expected<std::uint64_t> resolve(const LoadImmediate64 &load, std::uint32_t pc) const override;

private:
  runtime::Runtime &runtime;
  runtime::Invocation *invocation = nullptr;
  runtime::Invocation idle; ///< what helpers act on outside a driven run (no context)
  std::unordered_map<std::uint32_t, const DecodedProgram *> tailCallTargets;
};

} // namespace bpfcheck::interp
