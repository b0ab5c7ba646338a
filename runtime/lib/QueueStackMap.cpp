// Queue and stack: the head/tail ring of queue_stack_maps.c (__queue_map_get,
// __stack_map_get, queue_stack_map_push_elem).
#include "bpfcheck/runtime/QueueStackMap.h"

#include <linux/bpf.h>

#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {

QueueStackMap::QueueStackMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : Map(std::move(spec), std::move(environment)), slots(maxEntries() + 1),
      elements(std::size_t(slots) * valueSize()) {}

std::uint32_t QueueStackMap::sizeLocked() const {
  return head >= tail ? head - tail : head + slots - tail;
}

std::uint32_t QueueStackMap::size() const {
  std::lock_guard lock(mutex);
  return sizeLocked();
}

int QueueStackMap::push(const std::byte *value, std::uint64_t flags) {
  // BPF_EXIST forces room for the new value; BPF_NOEXIST and unknown flags are refused.
  if ((flags & BPF_NOEXIST) || flags > BPF_EXIST)
    return EINVAL;
  std::lock_guard lock(mutex);
  if (sizeLocked() == maxEntries()) {
    if (!(flags & BPF_EXIST))
      return E2BIG;
    if (++tail >= slots) // drop the oldest value
      tail = 0;
  }
  std::memcpy(elements.data() + std::size_t(head) * valueSize(), value, valueSize());
  if (++head >= slots)
    head = 0;
  return 0;
}

int QueueStackMap::take(std::byte *value, bool remove) {
  std::lock_guard lock(mutex);
  if (head == tail)
    return ENOENT;
  if (!isStack()) { // the oldest value
    std::memcpy(value, elements.data() + std::size_t(tail) * valueSize(), valueSize());
    if (remove && ++tail >= slots)
      tail = 0;
    return 0;
  }
  const std::uint32_t newest = head == 0 ? slots - 1 : head - 1;
  std::memcpy(value, elements.data() + std::size_t(newest) * valueSize(), valueSize());
  if (remove)
    head = newest;
  return 0;
}

MapStatus QueueStackMap::doLookup(ByteView, MutableByteView value) const {
  if (const_cast<QueueStackMap *>(this)->take(value.data(), false) != 0)
    return fail(ENOENT, "the map is empty");
  return {};
}

MapStatus QueueStackMap::doUpdate(ByteView, ByteView value, std::uint64_t flags) {
  switch (push(value.data(), flags)) {
  case 0:
    return {};
  case E2BIG:
    return fail(E2BIG, "the map is full (push with BPF_EXIST to overwrite the oldest value)");
  default:
    return fail(EINVAL, "push flags must be BPF_ANY or BPF_EXIST");
  }
}

MapStatus QueueStackMap::doDelete(ByteView) {
  return fail(EINVAL, "queue and stack maps have no delete (pop with lookup_and_delete)");
}

MapStatus QueueStackMap::doNextKey(const std::byte *, MutableByteView) const {
  return fail(EINVAL, "queue and stack maps have no keys");
}

MapStatus QueueStackMap::doLookupAndDelete(ByteView, MutableByteView value) {
  if (take(value.data(), true) != 0)
    return fail(ENOENT, "the map is empty");
  return {};
}

long QueueStackMap::programPush(const void *value, std::uint64_t flags, unsigned) {
  return negative(push(static_cast<const std::byte *>(value), flags));
}

long QueueStackMap::programPop(void *value, unsigned) {
  return negative(take(static_cast<std::byte *>(value), true));
}

long QueueStackMap::programPeek(void *value, unsigned) {
  return negative(take(static_cast<std::byte *>(value), false));
}

MapResult<std::vector<std::byte>> QueueStackMap::saveContents() const {
  // The values from the oldest to the newest.
  std::lock_guard lock(mutex);
  std::vector<std::byte> contents;
  for (std::uint32_t slot = tail; slot != head; slot = slot + 1 == slots ? 0 : slot + 1) {
    const std::byte *value = elements.data() + std::size_t(slot) * valueSize();
    contents.insert(contents.end(), value, value + valueSize());
  }
  return contents;
}

MapStatus QueueStackMap::restoreContents(ByteView contents) {
  if (contents.size() % valueSize() != 0 || contents.size() / valueSize() > maxEntries())
    return fail(EINVAL, "contents do not fit the map");
  {
    std::lock_guard lock(mutex);
    head = tail = 0;
  }
  for (std::size_t offset = 0; offset < contents.size(); offset += valueSize())
    (void)push(contents.data() + offset, BPF_ANY);
  return {};
}

} // namespace bpfcheck::runtime
