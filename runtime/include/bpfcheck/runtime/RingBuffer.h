// BPF_MAP_TYPE_RINGBUF (kernel/bpf/ringbuf.c) with the kernel's memory layout: a data area of
// max_entries bytes (a power of two, a multiple of the page size) mapped twice back to back so
// records that wrap stay contiguous, preceded by a control page and the consumer and producer
// position pages. Each record starts with the 8-byte header (u32 length with
// BPF_RINGBUF_BUSY_BIT while reserved and BPF_RINGBUF_DISCARD_BIT once discarded, u32 page
// offset of the header from the start of the ring memory) and records are 8-byte aligned.
//
// Programs reserve, submit, discard, output and query (the helpers); submit and discard find
// the ring from the record alone, through the page offset, as the kernel does. Producers are
// thread-safe; RingBufferConsumer (libbpf's ring_buffer) reads the records.
#pragma once

#include "bpfcheck/runtime/Map.h"
#include "bpfcheck/runtime/WakeupSignal.h"

#include <linux/bpf.h>
#include <mutex>

namespace bpfcheck::runtime {

/// ringbuf: the program-side helpers and the positions and data a consumer reads.
class RingBuffer final : public Map {
public:
  static constexpr std::uint32_t PageSize = 4096;
  static constexpr std::uint32_t HeaderSize = BPF_RINGBUF_HDR_SZ;
  /// Pages before the data area: control, consumer position, producer position (the
  /// kernel's RINGBUF_PGOFF + RINGBUF_POS_PAGES, so the first record's page offset is 3).
  static constexpr std::uint32_t DataPageOffset = 3;
  /// RINGBUF_MAX_RECORD_SZ: larger reservations fail.
  static constexpr std::uint64_t MaxRecordSize = 0xffffffffu / 4;

  RingBuffer(MapSpec spec, std::shared_ptr<MapEnvironment> environment);
  ~RingBuffer() override;
  /// Whether the memory could be mapped (the factory refuses the map with ENOMEM otherwise).
  bool isMapped() const { return base != nullptr; }

  // ---- program side (bpf_ringbuf_*)
  /// bpf_ringbuf_reserve: the record's data, or null (flags not 0, too large, no room).
  void *reserve(std::uint64_t size, std::uint64_t flags);
  /// bpf_ringbuf_submit / bpf_ringbuf_discard: `sample` is what reserve returned (from any
  /// ring); wakes the consumer as the flags and its position say.
  static void submit(void *sample, std::uint64_t flags);
  static void discard(void *sample, std::uint64_t flags);
  /// The ring a reserved record belongs to, from its header's page offset (null if `sample`
  /// does not look like a record of a live ring).
  static RingBuffer *owning(const void *sample);
  /// bpf_ringbuf_output: 0, -EINVAL for unknown flags, -EAGAIN when there is no room.
  long output(const void *data, std::uint64_t size, std::uint64_t flags);
  /// bpf_ringbuf_query: BPF_RB_AVAIL_DATA, BPF_RB_RING_SIZE, BPF_RB_CONS_POS, BPF_RB_PROD_POS;
  /// 0 for anything else.
  std::uint64_t query(std::uint64_t flags) const;

  // ---- consumer side (what libbpf maps)
  std::uint64_t dataSize() const { return size; }
  std::uint64_t consumerPosition() const;
  std::uint64_t producerPosition() const;
  void setConsumerPosition(std::uint64_t position);
  /// The data area; valid for 2 × dataSize() bytes (the second copy mirrors the first).
  const std::byte *data() const { return dataArea; }
  /// Wake-ups sent to the consumer so far.
  std::uint64_t wakeups() const;
  void setWakeupSignal(std::shared_ptr<WakeupSignal> signal);

private:
  void commit(std::byte *header, std::uint64_t flags, bool discarded);
  void wakeConsumer();

  std::uint64_t size;
  std::byte *base = nullptr; ///< control page; then consumer, producer pages; then data twice
  std::byte *dataArea = nullptr;
  std::size_t mappedBytes = 0;
  std::mutex producerLock;
  mutable std::mutex wakeLock;
  std::uint64_t wakeupsSent = 0;
  std::shared_ptr<WakeupSignal> signal;
};

} // namespace bpfcheck::runtime
