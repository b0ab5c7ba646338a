// Perf event output: __bpf_perf_event_output's checks (flags, index, empty slot, CPU of the
// event), records into per-CPU buffers with a lost count, and their consumer.
#include "bpfcheck/runtime/PerfEventArray.h"

#include <linux/bpf.h>

#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {
PerfEventBuffer::PerfEventBuffer(unsigned cpu, std::size_t capacityBytes,
                                 std::shared_ptr<WakeupSignal> signal)
    : boundCpu(cpu), capacity(capacityBytes), wakeup(std::move(signal)) {}

int PerfEventBuffer::write(const void *data, std::uint64_t size) {
  {
    std::lock_guard lock(mutex);
    if (used + costOf(size) > capacity) {
      ++lostRecords;
      return ENOSPC;
    }
    const auto *bytes = static_cast<const std::byte *>(data);
    records.emplace_back(bytes, bytes + size);
    used += costOf(size);
  }
  if (wakeup)
    wakeup->notify();
  return 0;
}

long PerfEventBuffer::drain(
    const std::function<void(unsigned, const std::byte *, std::uint32_t)> &sample,
    const std::function<void(unsigned, std::uint64_t)> &lost) {
  std::deque<std::vector<std::byte>> taken;
  std::uint64_t lostNow = 0;
  {
    std::lock_guard lock(mutex);
    taken.swap(records);
    used = 0;
    lostNow = std::exchange(lostRecords, 0);
  }
  for (const auto &record : taken)
    if (sample)
      sample(boundCpu, record.data(), static_cast<std::uint32_t>(record.size()));
  if (lostNow && lost)
    lost(boundCpu, lostNow);
  return static_cast<long>(taken.size());
}

bool PerfEventBuffer::empty() const {
  std::lock_guard lock(mutex);
  return records.empty() && lostRecords == 0;
}

PerfEventArray::PerfEventArray(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : Map(std::move(spec), std::move(environment)), slots(maxEntries()) {}

MapStatus PerfEventArray::attach(std::uint32_t index, std::shared_ptr<PerfEventBuffer> buffer) {
  if (index >= maxEntries())
    return indexPastEnd(index);
  if (!buffer)
    return fail(EBADF, "no buffer");
  std::lock_guard lock(mutex);
  slots[index] = std::move(buffer);
  return {};
}

std::shared_ptr<PerfEventBuffer> PerfEventArray::bufferAt(std::uint32_t index) const {
  std::lock_guard lock(mutex);
  return index < slots.size() ? slots[index] : nullptr;
}

long PerfEventArray::output(const void *data, std::uint64_t size, std::uint64_t flags,
                            unsigned cpu) {
  if (flags & ~std::uint64_t(BPF_F_INDEX_MASK))
    return negative(EINVAL);
  std::uint64_t index = flags & BPF_F_INDEX_MASK;
  if (index == BPF_F_CURRENT_CPU)
    index = cpu;
  if (index >= maxEntries())
    return negative(E2BIG);
  std::shared_ptr<PerfEventBuffer> buffer = bufferAt(static_cast<std::uint32_t>(index));
  if (!buffer)
    return negative(ENOENT);
  if (buffer->cpu() != cpu) // the event must be active on this CPU
    return negative(EOPNOTSUPP);
  return negative(buffer->write(data, size));
}

MapStatus PerfEventArray::doUpdate(ByteView, ByteView, std::uint64_t) {
  return fail(EOPNOTSUPP, "perf event array slots take buffers through attach() (no perf fds)");
}

MapStatus PerfEventArray::doDelete(ByteView key) {
  const std::uint32_t index = readU32(key.data());
  if (index >= maxEntries())
    return indexPastEnd(index);
  std::lock_guard lock(mutex);
  if (!slots[index])
    return fail(ENOENT, "no buffer at index " + std::to_string(index));
  slots[index].reset();
  return {};
}

MapStatus PerfEventArray::doNextKey(const std::byte *key, MutableByteView next) const {
  return arrayNextKey(key, next);
}

MapResult<std::unique_ptr<PerfBufferConsumer>>
PerfBufferConsumer::open(const std::shared_ptr<Map> &map, std::size_t bytesPerCpu,
                         SampleCallback sample, LostCallback lost) {
  auto *array = dynamic_cast<PerfEventArray *>(map.get());
  if (!array)
    return mapError(EINVAL, (map ? describeMap(map->spec()) : std::string("null map")) +
                                ": not a perf event array");
  std::unique_ptr<PerfBufferConsumer> consumer(new PerfBufferConsumer());
  consumer->onSample = std::move(sample);
  consumer->onLost = std::move(lost);
  const unsigned cpus = std::min<unsigned>(map->possibleCpus(), map->maxEntries());
  for (unsigned cpu = 0; cpu < cpus; ++cpu) {
    auto buffer = std::make_shared<PerfEventBuffer>(cpu, bytesPerCpu, consumer->signal);
    if (MapStatus attached = array->attach(cpu, buffer); !attached)
      return attached.error();
    consumer->buffers.push_back(std::move(buffer));
  }
  return consumer;
}

long PerfBufferConsumer::consume() {
  long total = 0;
  for (auto &buffer : buffers)
    total += buffer->drain(onSample, onLost);
  return total;
}

long PerfBufferConsumer::poll(std::chrono::milliseconds timeout) {
  const std::uint64_t seen = signal->count();
  bool any = false;
  for (auto &buffer : buffers)
    any = any || !buffer->empty();
  if (!any)
    signal->waitBeyond(seen, timeout);
  return consume();
}

} // namespace bpfcheck::runtime
