// Ring buffers: the kernel's record header (length with busy and discard bits, page offset),
// 8-byte aligned records, positions and query values, room checks, wrap-around, wake-up
// rules, and the libbpf-style consumer (skips discarded records, stops at busy ones).
#include "RuntimeTestSupport.h"

#include "bpfcheck/runtime/RingBufferConsumer.h"

#include <linux/bpf.h>

#include <atomic>
#include <numeric>
#include <thread>

using namespace bpfcheck;
using namespace bpfcheck::runtime;
using namespace bpfcheck::runtime::test;

namespace {

std::shared_ptr<RingBuffer> makeRing(const std::shared_ptr<MapEnvironment> &env,
                                     std::uint32_t size = 4096) {
  auto map = mustCreate(specOf(MapType::Ringbuf, 0, 0, size), env);
  auto ring = std::dynamic_pointer_cast<RingBuffer>(map);
  REQUIRE(ring != nullptr);
  return ring;
}

std::uint32_t headerWord(const void *sample, int word) {
  std::uint32_t value;
  std::memcpy(&value, static_cast<const std::byte *>(sample) - 8 + 4 * word, 4);
  return value;
}

} // namespace

TEST_CASE("ringbuf: a reservation has the kernel's header and advances the producer") {
  auto env = makeEnvironment();
  auto ring = makeRing(env);
  void *sample = ring->reserve(10, 0);
  REQUIRE(sample != nullptr);
  CHECK(reinterpret_cast<std::uintptr_t>(sample) % 8 == 0);
  CHECK(headerWord(sample, 0) == (10u | BPF_RINGBUF_BUSY_BIT));
  CHECK(headerWord(sample, 1) == 3); // the data area starts 3 pages into the ring memory
  CHECK(RingBuffer::owning(sample) == ring.get());
  CHECK(ring->query(BPF_RB_PROD_POS) == 24); // 8-byte header + 10 bytes, rounded up to 8
  CHECK(ring->query(BPF_RB_CONS_POS) == 0);
  CHECK(ring->query(BPF_RB_AVAIL_DATA) == 24);
  CHECK(ring->query(BPF_RB_RING_SIZE) == 4096);
  CHECK(ring->query(99) == 0);
  RingBuffer::submit(sample, 0);
  CHECK(headerWord(sample, 0) == 10u);
  void *discarded = ring->reserve(3, 0);
  REQUIRE(discarded != nullptr);
  RingBuffer::discard(discarded, 0);
  CHECK(headerWord(discarded, 0) == (3u | BPF_RINGBUF_DISCARD_BIT));
  // A header on the second data page carries page offset 4.
  auto bigger = makeRing(env, 8192);
  void *filler = bigger->reserve(4096 - 8, 0);
  void *second = bigger->reserve(1, 0);
  REQUIRE((filler && second));
  CHECK(headerWord(second, 1) == 4);
  CHECK(RingBuffer::owning(second) == bigger.get());
  RingBuffer::submit(filler, 0);
  RingBuffer::submit(second, 0);
}

TEST_CASE("ringbuf: reserve fails without room, with flags or beyond the ring") {
  auto env = makeEnvironment();
  auto ring = makeRing(env);
  CHECK(ring->reserve(8, 1) == nullptr);
  CHECK(ring->reserve(4096, 0) == nullptr);
  int records = 0;
  while (ring->reserve(1000, 0)) // 1008 bytes each; at most size - 1 bytes ahead
    ++records;
  CHECK(records == 4);
  const char data[100] = "x";
  // 4032 bytes used: a 56-byte record (48 + header) still fits, a 64-byte one would fill the
  // ring completely, which the producer may not do (at most size - 1 ahead of the consumer).
  CHECK(ring->output(data, 56, 0) == -EAGAIN);
  CHECK(ring->output(data, 48, 0) == 0);
  CHECK(ring->output(data, sizeof data, 0) == -EAGAIN);
  CHECK(ring->output(data, sizeof data, 4) == -EINVAL);
}

TEST_CASE("ringbuf: the consumer skips discarded records and stops at busy ones") {
  auto env = makeEnvironment();
  auto ring = makeRing(env);
  RingBufferConsumer consumer;
  std::vector<std::string> seen;
  REQUIRE(consumer.add(ring, [&](const std::byte *data, std::uint32_t size) {
    seen.emplace_back(reinterpret_cast<const char *>(data), size);
    return 0;
  }));
  auto *first = static_cast<char *>(ring->reserve(5, 0));
  auto *second = static_cast<char *>(ring->reserve(6, 0));
  auto *third = static_cast<char *>(ring->reserve(7, 0));
  REQUIRE((first && second && third));
  std::memcpy(first, "first", 5);
  std::memcpy(second, "second", 6);
  std::memcpy(third, "third!!", 7);
  RingBuffer::submit(second, 0);
  CHECK(consumer.consume() == 0); // the first record is still busy
  CHECK(ring->consumerPosition() == 0);
  RingBuffer::discard(third, 0);
  RingBuffer::submit(first, 0);
  CHECK(consumer.consume() == 2);
  CHECK(seen == std::vector<std::string>{"first", "second"});
  CHECK(ring->consumerPosition() == ring->producerPosition());
  CHECK(ring->query(BPF_RB_AVAIL_DATA) == 0);
  // A callback's negative return stops consuming and is returned.
  RingBufferConsumer failing;
  REQUIRE(failing.add(ring, [](const std::byte *, std::uint32_t) { return -7; }));
  REQUIRE(ring->output("ab", 2, 0) == 0);
  REQUIRE(ring->output("cd", 2, 0) == 0);
  CHECK(failing.consume() == -7);
  CHECK(consumer.consume() == 1); // the second record is still there
  CHECK(consumer.add(mustCreate(specOf(MapType::Array, 4, 4, 1), env), nullptr).code() == EINVAL);
}

TEST_CASE("ringbuf: records wrap around the end of the data area contiguously") {
  auto env = makeEnvironment();
  auto ring = makeRing(env);
  RingBufferConsumer consumer;
  std::vector<std::uint32_t> sums;
  REQUIRE(consumer.add(ring, [&](const std::byte *data, std::uint32_t size) {
    std::vector<unsigned char> bytes(size);
    std::memcpy(bytes.data(), data, size);
    bool intact = true;
    for (std::uint32_t i = 0; i < size; ++i)
      intact = intact && bytes[i] == static_cast<unsigned char>(i * 7 + sums.size());
    sums.push_back(intact ? size : 0);
    return 0;
  }));
  bool wrapped = false;
  for (std::uint32_t record = 0; record < 12; ++record) {
    const std::uint64_t start = ring->producerPosition() % 4096;
    auto *data = static_cast<unsigned char *>(ring->reserve(1500, 0));
    REQUIRE(data != nullptr);
    wrapped = wrapped || start + 8 + 1500 > 4096;
    for (std::uint32_t i = 0; i < 1500; ++i)
      data[i] = static_cast<unsigned char>(i * 7 + record);
    RingBuffer::submit(data, 0);
    CHECK(consumer.consume() == 1);
  }
  CHECK(wrapped);
  CHECK(sums == std::vector<std::uint32_t>(12, 1500));
  CHECK(ring->producerPosition() == 12 * 1512);
}

TEST_CASE("ringbuf: wake-ups only for the record the consumer waits on, unless told") {
  auto env = makeEnvironment();
  auto ring = makeRing(env);
  REQUIRE(ring->output("a", 1, 0) == 0); // the consumer waits at this record: wake-up
  CHECK(ring->wakeups() == 1);
  REQUIRE(ring->output("b", 1, 0) == 0); // the consumer is behind: no wake-up
  CHECK(ring->wakeups() == 1);
  REQUIRE(ring->output("c", 1, BPF_RB_FORCE_WAKEUP) == 0);
  CHECK(ring->wakeups() == 2);
  ring->setConsumerPosition(ring->producerPosition());
  REQUIRE(ring->output("d", 1, BPF_RB_NO_WAKEUP) == 0);
  CHECK(ring->wakeups() == 2);
}

TEST_CASE("ringbuf: poll waits for a producer in another thread") {
  auto env = makeEnvironment();
  auto ring = makeRing(env);
  RingBufferConsumer consumer;
  int received = 0;
  REQUIRE(consumer.add(ring, [&](const std::byte *, std::uint32_t) { return ++received, 0; }));
  CHECK(consumer.poll(std::chrono::milliseconds(1)) == 0);
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    (void)ring->output("late", 4, 0);
  });
  CHECK(consumer.poll(std::chrono::milliseconds(5000)) == 1);
  producer.join();
  CHECK(received == 1);
}

TEST_CASE("ringbuf: concurrent producers and a consumer lose and duplicate nothing") {
  auto env = makeEnvironment();
  auto ring = makeRing(env, 4096 * 4);
  constexpr std::uint32_t producers = 4, perProducer = 3000;
  std::atomic<std::uint32_t> done{0};
  std::vector<std::uint32_t> counts(producers * perProducer, 0);
  RingBufferConsumer consumer;
  REQUIRE(consumer.add(ring, [&](const std::byte *data, std::uint32_t size) {
    CHECK(size == 8);
    std::uint32_t id, check;
    std::memcpy(&id, data, 4);
    std::memcpy(&check, data + 4, 4);
    CHECK(check == ~id);
    if (id < counts.size())
      ++counts[id];
    return 0;
  }));
  std::vector<std::thread> threads;
  for (std::uint32_t p = 0; p < producers; ++p)
    threads.emplace_back([&, p] {
      for (std::uint32_t i = 0; i < perProducer; ++i) {
        const std::uint32_t id = p * perProducer + i;
        std::uint32_t record[2] = {id, ~id};
        if (i % 2) {
          while (ring->output(record, sizeof record, 0) == -EAGAIN)
            std::this_thread::yield();
        } else {
          void *sample;
          while (!(sample = ring->reserve(sizeof record, 0)))
            std::this_thread::yield();
          std::memcpy(sample, record, sizeof record);
          RingBuffer::submit(sample, 0);
        }
      }
      ++done;
    });
  while (done < producers)
    (void)consumer.poll(std::chrono::milliseconds(1));
  for (auto &thread : threads)
    thread.join();
  (void)consumer.consume();
  CHECK(std::count(counts.begin(), counts.end(), 1) == static_cast<long>(counts.size()));
}
