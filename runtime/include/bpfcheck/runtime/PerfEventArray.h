// BPF_MAP_TYPE_PERF_EVENT_ARRAY and the per-CPU buffers bpf_perf_event_output writes to.
// Where the kernel stores a BPF-output perf event opened on one CPU in each slot, the runtime
// stores a PerfEventBuffer bound to a CPU (attach()); output goes to the slot the flags name
// (BPF_F_CURRENT_CPU: the program's CPU) and must come from that buffer's CPU. A buffer holds
// records up to its byte capacity (each costs its perf sample size: 8-byte header, 4-byte
// size, data, rounded up to 8); a record that does not fit is lost and counted, as in the
// perf ring. PerfBufferConsumer reads them like libbpf's perf_buffer.
#pragma once

#include "bpfcheck/runtime/Map.h"
#include "bpfcheck/runtime/WakeupSignal.h"

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace bpfcheck::runtime {

/// One CPU's perf buffer: records in order, a capacity, the lost count. Thread-safe.
class PerfEventBuffer {
public:
  /// `signal`, if any, is notified of every record written (the consumer's poll waits on it).
  PerfEventBuffer(unsigned cpu, std::size_t capacityBytes,
                  std::shared_ptr<WakeupSignal> signal = nullptr);

  unsigned cpu() const { return boundCpu; }
  /// 0, or ENOSPC when the record does not fit (it is then counted as lost).
  int write(const void *data, std::uint64_t size);
  /// Hands every record to `sample` in order, then reports lost records (if any) to `lost`;
  /// returns the records handed over.
  long drain(const std::function<void(unsigned cpu, const std::byte *, std::uint32_t)> &sample,
             const std::function<void(unsigned cpu, std::uint64_t)> &lost);
  bool empty() const;

private:
  static std::size_t costOf(std::uint64_t size) { return (8 + 4 + size + 7) & ~std::size_t(7); }

  unsigned boundCpu;
  std::size_t capacity;
  std::shared_ptr<WakeupSignal> wakeup;
  mutable std::mutex mutex;
  std::deque<std::vector<std::byte>> records;
  std::size_t used = 0;
  std::uint64_t lostRecords = 0;
};

/// perf_event_array: index → the CPU-bound buffer bpf_perf_event_output writes to.
class PerfEventArray final : public Map {
public:
  PerfEventArray(MapSpec spec, std::shared_ptr<MapEnvironment> environment);

  /// Puts a buffer in a slot (the kernel's update with a perf event fd); E2BIG past the end.
  MapStatus attach(std::uint32_t index, std::shared_ptr<PerfEventBuffer> buffer);
  std::shared_ptr<PerfEventBuffer> bufferAt(std::uint32_t index) const;

  /// bpf_perf_event_output: 0; -EINVAL for flags beyond BPF_F_INDEX_MASK; -E2BIG for an index
  /// past max_entries; -ENOENT for an empty slot; -EOPNOTSUPP when the slot's buffer belongs
  /// to another CPU; -ENOSPC when the record is lost.
  long output(const void *data, std::uint64_t size, std::uint64_t flags, unsigned cpu);

protected:
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doDelete(ByteView key) override;
  MapStatus doNextKey(const std::byte *key, MutableByteView next) const override;

private:
  mutable std::mutex mutex;
  std::vector<std::shared_ptr<PerfEventBuffer>> slots;
};

/// libbpf's perf_buffer: one buffer per possible CPU, attached at the slot of its CPU number.
class PerfBufferConsumer {
public:
  using SampleCallback = std::function<void(unsigned cpu, const std::byte *, std::uint32_t)>;
  using LostCallback = std::function<void(unsigned cpu, std::uint64_t count)>;

  /// perf_buffer__new: EINVAL unless `map` is a perf event array.
  static MapResult<std::unique_ptr<PerfBufferConsumer>> open(const std::shared_ptr<Map> &map,
                                                             std::size_t bytesPerCpu,
                                                             SampleCallback sample,
                                                             LostCallback lost = {});

  long consume();
  long poll(std::chrono::milliseconds timeout);

private:
  PerfBufferConsumer() = default;
  std::shared_ptr<WakeupSignal> signal = std::make_shared<WakeupSignal>();
  std::vector<std::shared_ptr<PerfEventBuffer>> buffers;
  SampleCallback onSample;
  LostCallback onLost;
};

} // namespace bpfcheck::runtime
