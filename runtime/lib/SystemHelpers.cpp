// Helpers that read the simulated machine and task: clocks, random numbers, the processor,
// the current task's ids and name, and bpf_loop.
#include "HelperCall.h"

#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {

HelperResult clockRead(const HelperCall &call) {
  return HelperResult::returned(call.runtime.readClock());
}

HelperResult randomU32(const HelperCall &call) {
  return HelperResult::returned(call.runtime.nextRandom());
}

HelperResult processorId(const HelperCall &call) {
  return HelperResult::returned(call.cpu());
}

HelperResult numaNodeId(const HelperCall &) {
  return HelperResult::returned(0);
}

HelperResult currentPidTgid(const HelperCall &call) {
  const SimulatedSystem &system = call.runtime.system();
  return HelperResult::returned(std::uint64_t(system.tgid) << 32 | system.pid);
}

HelperResult currentUidGid(const HelperCall &call) {
  const SimulatedSystem &system = call.runtime.system();
  return HelperResult::returned(std::uint64_t(system.gid) << 32 | system.uid);
}

HelperResult currentComm(const HelperCall &call) {
  // strscpy_pad into a buffer of `size` bytes: at most size - 1 characters and the rest
  // zero; the kernel's comm holds at most 15 (TASK_COMM_LEN - 1).
  constexpr std::size_t taskCommLength = 16;
  auto *buffer = call.pointer<char>(0);
  const auto size = static_cast<std::size_t>(call.argument(1));
  if (size == 0)
    return errnoResult(EINVAL);
  const std::string &comm = call.runtime.system().comm;
  const std::size_t copied = std::min({comm.size(), size - 1, taskCommLength - 1});
  std::memset(buffer, 0, size);
  std::memcpy(buffer, comm.data(), copied);
  return HelperResult::returned(0);
}

HelperResult loop(const HelperCall &call) {
  constexpr std::uint64_t maximumLoops = 1u << 23; // BPF_MAX_LOOPS
  const auto iterations = static_cast<std::uint32_t>(call.argument(0));
  if (call.argument(3) != 0)
    return errnoResult(EINVAL);
  if (iterations > maximumLoops)
    return errnoResult(E2BIG);
  for (std::uint32_t i = 0; i < iterations; ++i) {
    const std::uint64_t arguments[] = {i, call.argument(2)};
    const std::optional<std::uint64_t> result =
        call.host.invokeCallback(call.argument(1), arguments);
    if (!result)
      return HelperResult::returned(0); // the run stopped in the callback
    if (*result)
      return HelperResult::returned(std::uint64_t(i) + 1);
  }
  return HelperResult::returned(iterations);
}

} // namespace bpfcheck::runtime
