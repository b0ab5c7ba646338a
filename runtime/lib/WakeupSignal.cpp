// The consumer's wait: a counter under a mutex with a condition variable.
#include "bpfcheck/runtime/WakeupSignal.h"

namespace bpfcheck::runtime {

void WakeupSignal::notify() {
  {
    std::lock_guard lock(mutex);
    ++signals;
  }
  changed.notify_all();
}

std::uint64_t WakeupSignal::waitBeyond(std::uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex);
  changed.wait_for(lock, timeout, [&] { return signals != seen; });
  return signals;
}

std::uint64_t WakeupSignal::count() const {
  std::lock_guard lock(mutex);
  return signals;
}

} // namespace bpfcheck::runtime
