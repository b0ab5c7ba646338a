// BPF_MAP_TYPE_QUEUE and BPF_MAP_TYPE_STACK (kernel/bpf/queue_stack_maps.c): keyless maps of
// up to max_entries values in a ring of max_entries + 1 slots. Push with BPF_EXIST overwrites
// the oldest value when full (E2BIG without it); pop and peek fail with ENOENT when empty.
// User space: update = push, lookup = peek, lookup_and_delete = pop. Thread-safe.
#pragma once

#include "bpfcheck/runtime/Map.h"

#include <mutex>
#include <vector>

namespace bpfcheck::runtime {

/// queue and stack.
class QueueStackMap final : public Map {
public:
  QueueStackMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment);

  bool isStack() const { return type() == MapType::Stack; }
  std::uint32_t size() const;

  long programPush(const void *value, std::uint64_t flags, unsigned cpu) override;
  long programPop(void *value, unsigned cpu) override;
  long programPeek(void *value, unsigned cpu) override;

  MapResult<std::vector<std::byte>> saveContents() const override;
  MapStatus restoreContents(ByteView contents) override;

protected:
  MapStatus doLookup(ByteView key, MutableByteView value) const override;
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doDelete(ByteView key) override;
  MapStatus doNextKey(const std::byte *key, MutableByteView next) const override;
  MapStatus doLookupAndDelete(ByteView key, MutableByteView value) override;

private:
  int push(const std::byte *value, std::uint64_t flags);
  int take(std::byte *value, bool remove);
  std::uint32_t sizeLocked() const;

  mutable std::mutex mutex;
  std::uint32_t slots; ///< max_entries + 1: one slot stays free to tell full from empty
  std::uint32_t head = 0, tail = 0;
  std::vector<std::byte> elements;
};

} // namespace bpfcheck::runtime
