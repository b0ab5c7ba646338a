// BPF_MAP_TYPE_STACK_TRACE (kernel/bpf/stackmap.c): bpf_get_stackid hashes a stack (the
// instruction pointers a caller provides) with jhash2 into max_entries rounded up to a power
// of two buckets; the bucket index is the stack id. A bucket holding another stack answers
// -EEXIST unless BPF_F_REUSE_STACKID replaces it; BPF_F_FAST_STACK_CMP compares hashes only.
// At most max_entries stacks are stored (the kernel's preallocated free list; -ENOMEM beyond).
// User space looks stacks up by id (zero-padded to value_size) and deletes them; it cannot
// update. Build-id stacks are not implemented. Thread-safe.
#pragma once

#include "bpfcheck/runtime/Map.h"

#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace bpfcheck::runtime {

/// stack_trace: stack id → instruction pointers.
class StackTraceMap final : public Map {
public:
  /// perf_event_max_stack's default: the deepest stack recorded.
  static constexpr std::uint32_t MaxStackDepth = 127;

  StackTraceMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment);

  std::uint32_t bucketCount() const { return static_cast<std::uint32_t>(buckets.size()); }
  /// bpf_get_stackid with `stack` as the call chain (innermost first): the id, or -EINVAL
  /// (unknown flags), -EFAULT (skipping the whole stack), -EEXIST (bucket taken), -ENOMEM.
  long getStackId(std::span<const std::uint64_t> stack, std::uint64_t flags);

  MapResult<std::vector<std::byte>> saveContents() const override { return saveKeyValuePairs(); }
  MapStatus restoreContents(ByteView contents) override;

protected:
  MapStatus doLookup(ByteView key, MutableByteView value) const override;
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doDelete(ByteView key) override;
  MapStatus doNextKey(const std::byte *key, MutableByteView next) const override;

private:
  struct Trace {
    std::uint32_t hash = 0;
    std::vector<std::uint64_t> ips;
  };

  mutable std::mutex mutex;
  std::vector<std::optional<Trace>> buckets;
  std::uint32_t stored = 0;
};

} // namespace bpfcheck::runtime
