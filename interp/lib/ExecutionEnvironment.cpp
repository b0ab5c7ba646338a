// The environment's defaults: decline every helper, kfunc and tail call.
#include "bpfcheck/interp/ExecutionEnvironment.h"

namespace bpfcheck::interp {

HelperOutcome ExecutionEnvironment::callHelper(const HelperCall &, CallContext &) {
  return HelperOutcome::notProvided();
}

HelperOutcome ExecutionEnvironment::callKernelFunction(const KernelFunctionCall &, CallContext &) {
  return HelperOutcome::notProvided();
}

TailCallTarget ExecutionEnvironment::resolveTailCall(std::uint64_t, std::uint32_t) {
  return {};
}

} // namespace bpfcheck::interp
