// Deferred freeing of map memory that programs may still point to (the kernel's RCU): a
// deleted or replaced element is retired, and freed once every program run that was active
// when it was retired has ended.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace bpfcheck::runtime {

class MemoryReclaimer;

/// One program run's read-side critical section: while it lives, memory retired after it
/// began stays valid. Ending it (end() or destruction) is the run's quiescent point.
class RunGuard {
public:
  RunGuard() = default;
  RunGuard(const RunGuard &) = delete;
  RunGuard &operator=(const RunGuard &) = delete;
  RunGuard(RunGuard &&other) noexcept;
  RunGuard &operator=(RunGuard &&other) noexcept;
  ~RunGuard();

  /// Ends the run now (idempotent).
  void end();
  bool active() const { return reclaimer != nullptr; }

private:
  friend class MemoryReclaimer;
  RunGuard(MemoryReclaimer *owner, std::uint64_t startEpoch)
      : reclaimer(owner), epoch(startEpoch) {}

  MemoryReclaimer *reclaimer = nullptr;
  std::uint64_t epoch = 0;
};

/// Epoch-based reclamation shared by the maps of one MapEnvironment. Thread-safe.
class MemoryReclaimer {
public:
  MemoryReclaimer() = default;
  MemoryReclaimer(const MemoryReclaimer &) = delete;
  MemoryReclaimer &operator=(const MemoryReclaimer &) = delete;
  /// Frees whatever is still retired (no run may be active any more).
  ~MemoryReclaimer();

  /// Starts a program run (bpf_prog_run's rcu_read_lock).
  [[nodiscard]] RunGuard beginRun();
  /// Hands over memory to free once the runs active now have ended; frees at once when none
  /// is active.
  void retire(std::function<void()> release);
  /// Memory retired but not yet freed (for tests).
  std::size_t pendingCount() const;
  std::size_t activeRuns() const;

private:
  friend class RunGuard;
  void endRun(std::uint64_t epoch);
  /// Runs the releases no active run can still see; called with `mutex` held, returns them.
  std::vector<std::function<void()>> collectLocked();

  mutable std::mutex mutex;
  std::uint64_t currentEpoch = 1;
  std::map<std::uint64_t, std::size_t> runsByEpoch; ///< start epoch → active runs
  struct Retired {
    std::uint64_t epoch;
    std::function<void()> release;
  };
  std::vector<Retired> retired;
};

} // namespace bpfcheck::runtime
