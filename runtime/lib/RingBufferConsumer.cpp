// Ring buffer reading as libbpf's ringbuf_process_ring does it: from the consumer position to
// the producer position, record by record, publishing the consumer position after each.
#include "bpfcheck/runtime/RingBufferConsumer.h"

#include <atomic>
#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {

RingBufferConsumer::RingBufferConsumer() : signal(std::make_shared<WakeupSignal>()) {}

RingBufferConsumer::~RingBufferConsumer() {
  for (Ring &ring : rings)
    ring.ring->setWakeupSignal(nullptr);
}

MapStatus RingBufferConsumer::add(std::shared_ptr<Map> map, SampleCallback callback) {
  auto ring = std::dynamic_pointer_cast<RingBuffer>(map);
  if (!ring)
    return mapError(EINVAL, (map ? describeMap(map->spec()) : std::string("null map")) +
                                ": not a ring buffer");
  ring->setWakeupSignal(signal);
  rings.push_back({std::move(ring), std::move(callback)});
  return {};
}

long RingBufferConsumer::consumeRing(Ring &entry) {
  RingBuffer &ring = *entry.ring;
  const std::uint64_t mask = ring.dataSize() - 1;
  std::uint64_t consumer = ring.consumerPosition();
  long handled = 0;
  while (true) {
    bool progressed = false;
    const std::uint64_t producer = ring.producerPosition();
    while (consumer < producer) {
      const std::byte *header = ring.data() + (consumer & mask);
      const std::uint32_t length =
          std::atomic_ref<const std::uint32_t>(*reinterpret_cast<const std::uint32_t *>(header))
              .load(std::memory_order_acquire);
      if (length & BPF_RINGBUF_BUSY_BIT) // not committed yet: stop here for now
        return handled;
      progressed = true;
      const std::uint32_t dataSize =
          length & ~std::uint32_t(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
      consumer += (std::uint64_t(dataSize) + RingBuffer::HeaderSize + 7) & ~std::uint64_t(7);
      if (!(length & BPF_RINGBUF_DISCARD_BIT)) {
        const int result = entry.callback(header + RingBuffer::HeaderSize, dataSize);
        if (result < 0) {
          ring.setConsumerPosition(consumer);
          return result;
        }
        ++handled;
      }
      ring.setConsumerPosition(consumer);
    }
    if (!progressed)
      return handled;
  }
}

long RingBufferConsumer::consume() {
  long total = 0;
  for (Ring &ring : rings) {
    const long handled = consumeRing(ring);
    if (handled < 0)
      return handled;
    total += handled;
  }
  return total;
}

bool RingBufferConsumer::anyDataAvailable() const {
  for (const Ring &ring : rings)
    if (ring.ring->producerPosition() != ring.ring->consumerPosition())
      return true;
  return false;
}

long RingBufferConsumer::poll(std::chrono::milliseconds timeout) {
  const std::uint64_t seen = signal->count();
  if (!anyDataAvailable())
    signal->waitBeyond(seen, timeout);
  return consume();
}

} // namespace bpfcheck::runtime
