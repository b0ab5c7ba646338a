// Epoch-based reclamation: each retired release is tagged with the epoch current when it was
// retired, and the epoch then advances; a release runs once no active run started at or
// before its epoch.
#include "bpfcheck/runtime/MemoryReclaimer.h"

#include <utility>

namespace bpfcheck::runtime {

RunGuard::RunGuard(RunGuard &&other) noexcept
    : reclaimer(std::exchange(other.reclaimer, nullptr)), epoch(other.epoch) {}

RunGuard &RunGuard::operator=(RunGuard &&other) noexcept {
  if (this != &other) {
    end();
    reclaimer = std::exchange(other.reclaimer, nullptr);
    epoch = other.epoch;
  }
  return *this;
}

RunGuard::~RunGuard() {
  end();
}

void RunGuard::end() {
  if (MemoryReclaimer *owner = std::exchange(reclaimer, nullptr))
    owner->endRun(epoch);
}

MemoryReclaimer::~MemoryReclaimer() {
  for (Retired &item : retired)
    item.release();
}

RunGuard MemoryReclaimer::beginRun() {
  std::lock_guard lock(mutex);
  ++runsByEpoch[currentEpoch];
  return RunGuard(this, currentEpoch);
}

void MemoryReclaimer::retire(std::function<void()> release) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex);
    retired.push_back({currentEpoch, std::move(release)});
    ++currentEpoch; // runs that begin from now on cannot see what was just retired
    ready = collectLocked();
  }
  for (auto &item : ready)
    item();
}

void MemoryReclaimer::endRun(std::uint64_t epoch) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex);
    auto found = runsByEpoch.find(epoch);
    if (found != runsByEpoch.end() && --found->second == 0)
      runsByEpoch.erase(found);
    ready = collectLocked();
  }
  for (auto &item : ready)
    item();
}

std::vector<std::function<void()>> MemoryReclaimer::collectLocked() {
  // The oldest active run started at `oldest`; it may see anything retired at or after it.
  const std::uint64_t oldest = runsByEpoch.empty() ? currentEpoch : runsByEpoch.begin()->first;
  std::vector<std::function<void()>> ready;
  std::vector<Retired> kept;
  for (Retired &item : retired) {
    if (item.epoch < oldest)
      ready.push_back(std::move(item.release));
    else
      kept.push_back(std::move(item));
  }
  retired = std::move(kept);
  return ready;
}

std::size_t MemoryReclaimer::pendingCount() const {
  std::lock_guard lock(mutex);
  return retired.size();
}

std::size_t MemoryReclaimer::activeRuns() const {
  std::lock_guard lock(mutex);
  std::size_t count = 0;
  for (const auto &[epoch, runs] : runsByEpoch)
    count += runs;
  return count;
}

} // namespace bpfcheck::runtime
