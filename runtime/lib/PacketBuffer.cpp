// Packet memory below 4 GiB (mmap with MAP_32BIT) and the resizing rules of the helpers
// that move data, data_end and data_meta.
#include "bpfcheck/runtime/PacketBuffer.h"

#include <sys/mman.h>

#include <cstring>
#include <string>
#include <utility>

namespace bpfcheck::runtime {

namespace {

constexpr std::size_t pageSize = 4096;

std::byte *mapLow(std::size_t bytes) {
  void *memory =
      mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (memory == MAP_FAILED)
    return nullptr;
  if (reinterpret_cast<std::uintptr_t>(memory) + bytes > (std::uintptr_t(1) << 32)) {
    munmap(memory, bytes);
    return nullptr;
  }
  return static_cast<std::byte *>(memory);
}

} // namespace

Expected<PacketBuffer> PacketBuffer::create(std::span<const std::byte> bytes,
                                            std::uint32_t headroom, std::uint32_t capacity) {
  if (bytes.size() > capacity)
    capacity = static_cast<std::uint32_t>(bytes.size());
  const std::size_t wanted = std::size_t(headroom) + capacity;
  const std::size_t mapped = (wanted + pageSize - 1) / pageSize * pageSize;
  std::byte *base = mapLow(mapped == 0 ? pageSize : mapped);
  if (!base)
    return Error("cannot map " + std::to_string(wanted) +
                 " bytes of packet memory below 4 GiB (needed for the 32-bit data and "
                 "data_end context fields)");
  if (!bytes.empty())
    std::memcpy(base + headroom, bytes.data(), bytes.size());
  return PacketBuffer(base, mapped == 0 ? pageSize : mapped, headroom, capacity,
                      static_cast<std::uint32_t>(bytes.size()));
}

PacketBuffer::PacketBuffer(std::byte *base, std::size_t mapped, std::uint32_t headroom,
                           std::uint32_t capacity, std::uint32_t length)
    : base(base), mapped(mapped), dataOffset(headroom), headroom(headroom), capacity(capacity),
      length(length) {}

PacketBuffer::PacketBuffer(PacketBuffer &&other) noexcept
    : base(std::exchange(other.base, nullptr)), mapped(std::exchange(other.mapped, 0)),
      dataOffset(other.dataOffset), headroom(other.headroom), capacity(other.capacity),
      length(other.length), metaLength(other.metaLength) {}

PacketBuffer &PacketBuffer::operator=(PacketBuffer &&other) noexcept {
  if (this != &other) {
    release();
    base = std::exchange(other.base, nullptr);
    mapped = std::exchange(other.mapped, 0);
    dataOffset = other.dataOffset;
    headroom = other.headroom;
    capacity = other.capacity;
    length = other.length;
    metaLength = other.metaLength;
  }
  return *this;
}

PacketBuffer::~PacketBuffer() {
  release();
}

void PacketBuffer::release() {
  if (base)
    munmap(base, mapped);
  base = nullptr;
}

std::uint32_t PacketBuffer::address32(const std::byte *pointer) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(pointer));
}

bool PacketBuffer::adjustHead(std::int32_t delta, std::uint32_t minimumLength) {
  const std::int64_t newOffset = std::int64_t(dataOffset) + delta;
  const std::int64_t newLength = std::int64_t(length) - delta;
  // The metadata moves with data: it must still fit in front of it.
  if (newOffset - std::int64_t(metaLength) < 0 || newLength < std::int64_t(minimumLength))
    return false;
  if (newOffset + newLength > std::int64_t(headroom) + capacity)
    return false;
  if (metaLength)
    std::memmove(base + newOffset - metaLength, dataMeta(), metaLength);
  dataOffset = static_cast<std::uint32_t>(newOffset);
  length = static_cast<std::uint32_t>(newLength);
  return true;
}

bool PacketBuffer::adjustTail(std::int32_t delta, std::uint32_t minimumLength) {
  const std::int64_t newLength = std::int64_t(length) + delta;
  if (newLength < std::int64_t(minimumLength) ||
      std::int64_t(dataOffset) + newLength > std::int64_t(headroom) + capacity)
    return false;
  if (delta > 0)
    std::memset(dataEnd(), 0, std::size_t(delta));
  length = static_cast<std::uint32_t>(newLength);
  return true;
}

bool PacketBuffer::adjustMeta(std::int32_t delta, std::uint32_t maximumMetadata) {
  const std::int64_t newMeta = std::int64_t(metaLength) - delta;
  if (newMeta < 0 || newMeta > std::int64_t(maximumMetadata) || newMeta % 4 != 0 ||
      newMeta > std::int64_t(dataOffset))
    return false;
  metaLength = static_cast<std::uint32_t>(newMeta);
  return true;
}

bool PacketBuffer::resizeAt(std::uint32_t offset, std::int32_t count) {
  if (offset > length)
    return false;
  if (count >= 0) {
    if (std::int64_t(dataOffset) + length + count > std::int64_t(headroom) + capacity)
      return false;
    std::memmove(data() + offset + count, data() + offset, length - offset);
    std::memset(data() + offset, 0, std::size_t(count));
    length += std::uint32_t(count);
    return true;
  }
  const std::uint32_t removed = std::uint32_t(-std::int64_t(count));
  if (removed > length - offset)
    return false;
  std::memmove(data() + offset, data() + offset + removed, length - offset - removed);
  length -= removed;
  return true;
}

} // namespace bpfcheck::runtime
