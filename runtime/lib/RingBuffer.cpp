// Ring buffer producers: __bpf_ringbuf_reserve (pending records skipped, room checked against
// both the consumer and the oldest uncommitted record), bpf_ringbuf_commit (busy bit cleared,
// discard bit set, wake-up rules), the query values; the double mapping through a memfd.
#include "bpfcheck/runtime/RingBuffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {
namespace {

constexpr std::uint64_t ControlMagic = 0x6270666368726267; // "bpfchrbg"

/// The first page of the ring memory: identifies the ring a record belongs to.
struct ControlPage {
  std::uint64_t magic;
  RingBuffer *owner;
};

std::atomic_ref<std::uint64_t> position(std::byte *page) {
  return std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t *>(page));
}

std::atomic_ref<std::uint32_t> lengthOf(std::byte *header) {
  return std::atomic_ref<std::uint32_t>(*reinterpret_cast<std::uint32_t *>(header));
}

constexpr std::uint64_t recordBytes(std::uint64_t dataSize) {
  return (dataSize + RingBuffer::HeaderSize + 7) & ~std::uint64_t(7);
}

} // namespace

RingBuffer::RingBuffer(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : Map(std::move(spec), std::move(environment)), size(maxEntries()) {
  const std::size_t header = std::size_t(DataPageOffset) * PageSize;
  int fd = memfd_create("bpfcheck-ringbuf", MFD_CLOEXEC);
  if (fd < 0)
    return;
  if (ftruncate(fd, static_cast<off_t>(header + size)) != 0) {
    close(fd);
    return;
  }
  // Reserve the whole range, then map the file over it: header and data, then the data again.
  mappedBytes = header + 2 * size;
  void *range = mmap(nullptr, mappedBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (range == MAP_FAILED) {
    close(fd);
    return;
  }
  auto *start = static_cast<std::byte *>(range);
  void *first = mmap(start, header + size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
  void *second = mmap(start + header + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                      fd, static_cast<off_t>(header));
  close(fd);
  if (first == MAP_FAILED || second == MAP_FAILED) {
    munmap(range, mappedBytes);
    return;
  }
  base = start;
  dataArea = base + header;
  auto *control = reinterpret_cast<ControlPage *>(base);
  control->owner = this;
  control->magic = ControlMagic;
}

RingBuffer::~RingBuffer() {
  if (base) {
    reinterpret_cast<ControlPage *>(base)->magic = 0;
    munmap(base, mappedBytes);
  }
}

std::uint64_t RingBuffer::consumerPosition() const {
  return position(base + PageSize).load();
}
std::uint64_t RingBuffer::producerPosition() const {
  return position(base + 2 * PageSize).load();
}
void RingBuffer::setConsumerPosition(std::uint64_t value) {
  position(base + PageSize).store(value, std::memory_order_release);
}

void *RingBuffer::reserve(std::uint64_t dataSize, std::uint64_t flags) {
  if (flags != 0 || dataSize > MaxRecordSize)
    return nullptr;
  const std::uint64_t length = recordBytes(dataSize);
  if (length > size)
    return nullptr;
  const std::uint64_t mask = size - 1;
  const std::uint64_t consumer = position(base + PageSize).load(std::memory_order_acquire);
  std::lock_guard lock(producerLock);
  std::byte *producerPage = base + 2 * PageSize;
  std::uint64_t pending = position(producerPage + 8).load(std::memory_order_relaxed);
  const std::uint64_t producer = position(producerPage).load(std::memory_order_relaxed);
  // Move past the records committed since the last reservation.
  while (pending < producer) {
    const std::uint32_t header =
        lengthOf(dataArea + (pending & mask)).load(std::memory_order_acquire);
    if (header & BPF_RINGBUF_BUSY_BIT)
      break;
    pending += recordBytes(header & ~std::uint32_t(BPF_RINGBUF_DISCARD_BIT));
  }
  position(producerPage + 8).store(pending, std::memory_order_relaxed);
  const std::uint64_t next = producer + length;
  // No more than the ring size - 1 ahead of the consumer, nor of the oldest busy record.
  if (next - consumer > mask || next - pending > mask)
    return nullptr;
  std::byte *header = dataArea + (producer & mask);
  const auto pageOffset = static_cast<std::uint32_t>((header - base) / PageSize);
  std::memcpy(header + 4, &pageOffset, sizeof pageOffset);
  lengthOf(header).store(static_cast<std::uint32_t>(dataSize) | BPF_RINGBUF_BUSY_BIT,
                         std::memory_order_relaxed);
  position(producerPage).store(next, std::memory_order_release);
  return header + HeaderSize;
}

RingBuffer *RingBuffer::owning(const void *sample) {
  if (!sample)
    return nullptr;
  const auto *header = static_cast<const std::byte *>(sample) - HeaderSize;
  std::uint32_t pageOffset;
  std::memcpy(&pageOffset, header + 4, sizeof pageOffset);
  const auto address = reinterpret_cast<std::uintptr_t>(header);
  const auto start =
      (address & ~std::uintptr_t(PageSize - 1)) - std::uintptr_t(pageOffset) * PageSize;
  const auto *control = reinterpret_cast<const ControlPage *>(start);
  return control->magic == ControlMagic ? control->owner : nullptr;
}

void RingBuffer::submit(void *sample, std::uint64_t flags) {
  if (RingBuffer *ring = owning(sample))
    ring->commit(static_cast<std::byte *>(sample) - HeaderSize, flags, false);
}

void RingBuffer::discard(void *sample, std::uint64_t flags) {
  if (RingBuffer *ring = owning(sample))
    ring->commit(static_cast<std::byte *>(sample) - HeaderSize, flags, true);
}

void RingBuffer::commit(std::byte *header, std::uint64_t flags, bool discarded) {
  std::uint32_t length = lengthOf(header).load(std::memory_order_relaxed) ^ BPF_RINGBUF_BUSY_BIT;
  if (discarded)
    length |= BPF_RINGBUF_DISCARD_BIT;
  lengthOf(header).exchange(length, std::memory_order_acq_rel);
  // Wake the consumer if it waits for exactly this record, or when forced.
  const std::uint64_t recordPosition = static_cast<std::uint64_t>(header - dataArea);
  const std::uint64_t consumer =
      position(base + PageSize).load(std::memory_order_acquire) & (size - 1);
  if (flags & BPF_RB_FORCE_WAKEUP)
    wakeConsumer();
  else if (consumer == recordPosition && !(flags & BPF_RB_NO_WAKEUP))
    wakeConsumer();
}

void RingBuffer::wakeConsumer() {
  std::shared_ptr<WakeupSignal> target;
  {
    std::lock_guard lock(wakeLock);
    ++wakeupsSent;
    target = signal;
  }
  if (target)
    target->notify();
}

std::uint64_t RingBuffer::wakeups() const {
  std::lock_guard lock(wakeLock);
  return wakeupsSent;
}

void RingBuffer::setWakeupSignal(std::shared_ptr<WakeupSignal> newSignal) {
  std::lock_guard lock(wakeLock);
  signal = std::move(newSignal);
}

long RingBuffer::output(const void *source, std::uint64_t dataSize, std::uint64_t flags) {
  if (flags & ~std::uint64_t(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP))
    return negative(EINVAL);
  void *record = reserve(dataSize, 0);
  if (!record)
    return negative(EAGAIN);
  std::memcpy(record, source, dataSize);
  commit(static_cast<std::byte *>(record) - HeaderSize, flags, false);
  return 0;
}

std::uint64_t RingBuffer::query(std::uint64_t flags) const {
  switch (flags) {
  case BPF_RB_AVAIL_DATA:
    return producerPosition() - consumerPosition();
  case BPF_RB_RING_SIZE:
    return size;
  case BPF_RB_CONS_POS:
    return consumerPosition();
  case BPF_RB_PROD_POS:
    return producerPosition();
  default:
    return 0;
  }
}

} // namespace bpfcheck::runtime
