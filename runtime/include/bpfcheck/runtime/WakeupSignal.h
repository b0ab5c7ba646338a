// What a consumer waits on: producers (ring buffers, perf buffers) signal it when they wake
// their consumer up (the kernel's irq_work → wake_up_all on the wait queue poll sleeps on).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace bpfcheck::runtime {

/// A counter of wake-ups a consumer can wait on. Thread-safe.
class WakeupSignal {
public:
  void notify();
  /// Waits until the signal count differs from `seen` or the timeout passes; the new count.
  std::uint64_t waitBeyond(std::uint64_t seen, std::chrono::milliseconds timeout);
  std::uint64_t count() const;

private:
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t signals = 0;
};

} // namespace bpfcheck::runtime
