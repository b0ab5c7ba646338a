// The user-space reader of ring buffers, in the style of libbpf's ring_buffer: one callback
// per ring, consume() reads what is committed, poll() first waits for a wake-up when nothing
// is there. Submitted records reach the callback; discarded ones are skipped; reading stops
// at the first record still reserved (busy).
#pragma once

#include "bpfcheck/runtime/RingBuffer.h"

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace bpfcheck::runtime {

/// Reads ring buffers through callbacks (libbpf ring_buffer__add / __consume / __poll).
class RingBufferConsumer {
public:
  /// Called per record with its data and size; a negative return stops consuming and is
  /// returned by consume() / poll() (libbpf's ring_buffer_sample_fn).
  using SampleCallback = std::function<int(const std::byte *data, std::uint32_t size)>;

  RingBufferConsumer();
  ~RingBufferConsumer();
  RingBufferConsumer(const RingBufferConsumer &) = delete;
  RingBufferConsumer &operator=(const RingBufferConsumer &) = delete;

  /// ring_buffer__add: EINVAL unless `map` is a ring buffer.
  MapStatus add(std::shared_ptr<Map> map, SampleCallback callback);
  /// ring_buffer__consume: the records handed to callbacks, or the first negative callback
  /// return.
  long consume();
  /// ring_buffer__poll: waits up to `timeout` for data or a wake-up, then consumes.
  long poll(std::chrono::milliseconds timeout);

private:
  struct Ring {
    std::shared_ptr<RingBuffer> ring;
    SampleCallback callback;
  };
  long consumeRing(Ring &ring);
  bool anyDataAvailable() const;

  std::shared_ptr<WakeupSignal> signal;
  std::vector<Ring> rings;
};

} // namespace bpfcheck::runtime
