// The prog array's user-space rules (bpf_fd_array_map_update_elem: BPF_ANY only, E2BIG past
// the end; fd_array_map_delete_elem: ENOENT for an empty slot; lookups show the handle).
#include "bpfcheck/runtime/ProgArrayMap.h"

#include <linux/bpf.h>

#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {
ProgArrayMap::ProgArrayMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : Map(std::move(spec), std::move(environment)), slots(maxEntries()) {}

void ProgArrayMap::setProgramCheck(ProgramCheck newCheck) {
  std::lock_guard lock(mutex);
  check = std::move(newCheck);
}

std::optional<std::uint32_t> ProgArrayMap::tailCallTarget(std::uint32_t index) const {
  std::lock_guard lock(mutex);
  return index < slots.size() ? slots[index] : std::nullopt;
}

MapStatus ProgArrayMap::doLookup(ByteView key, MutableByteView value) const {
  const std::uint32_t index = readU32(key.data());
  std::lock_guard lock(mutex);
  if (index >= slots.size() || !slots[index])
    return fail(ENOENT, "no program at index " + std::to_string(index));
  std::memcpy(value.data(), &*slots[index], sizeof(std::uint32_t));
  return {};
}

MapStatus ProgArrayMap::doUpdate(ByteView key, ByteView value, std::uint64_t flags) {
  if (flags != BPF_ANY)
    return fail(EINVAL, "prog array updates take BPF_ANY only");
  const std::uint32_t index = readU32(key.data());
  if (index >= maxEntries())
    return indexPastEnd(index);
  const std::uint32_t handle = readU32(value.data());
  std::lock_guard lock(mutex);
  if (check)
    if (int refusal = check(handle))
      return fail(refusal, "program " + std::to_string(handle) + " refused");
  slots[index] = handle;
  return {};
}

MapStatus ProgArrayMap::doDelete(ByteView key) {
  const std::uint32_t index = readU32(key.data());
  if (index >= maxEntries())
    return indexPastEnd(index);
  std::lock_guard lock(mutex);
  if (!slots[index])
    return fail(ENOENT, "no program at index " + std::to_string(index));
  slots[index].reset();
  return {};
}

MapStatus ProgArrayMap::doNextKey(const std::byte *key, MutableByteView next) const {
  return arrayNextKey(key, next); // every index, empty or not
}

} // namespace bpfcheck::runtime
