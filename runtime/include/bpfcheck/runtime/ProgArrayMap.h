// BPF_MAP_TYPE_PROG_ARRAY: the tail call table. Slots hold opaque program handles (u32 ids the
// interpreter assigns, where the kernel takes program fds and shows program ids); the runtime
// never runs them: bpf_tail_call's implementation asks tailCallTarget() and jumps itself.
#pragma once

#include "bpfcheck/runtime/Map.h"

#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace bpfcheck::runtime {

/// prog_array: index → program handle.
class ProgArrayMap final : public Map {
public:
  /// Judges a handle stored from user space: 0 to accept, or the errno to refuse with (the
  /// kernel's EBADF for no such program, EINVAL for an incompatible one).
  using ProgramCheck = std::function<int(std::uint32_t handle)>;

  ProgArrayMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment);

  void setProgramCheck(ProgramCheck check);
  /// The program bpf_tail_call(ctx, map, index) jumps to, or nothing (the call falls through).
  std::optional<std::uint32_t> tailCallTarget(std::uint32_t index) const;

protected:
  MapStatus doLookup(ByteView key, MutableByteView value) const override;
  MapStatus doUpdate(ByteView key, ByteView value, std::uint64_t flags) override;
  MapStatus doDelete(ByteView key) override;
  MapStatus doNextKey(const std::byte *key, MutableByteView next) const override;

private:
  mutable std::mutex mutex;
  ProgramCheck check;
  std::vector<std::optional<std::uint32_t>> slots;
};

} // namespace bpfcheck::runtime
