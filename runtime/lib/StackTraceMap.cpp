// Stack ids: the depth bound of bpf_get_stackid, then __bpf_get_stackid's hashing, fast
// compare, collision and reuse rules; stack_map_get_next_key and the user-space copy.
#include "bpfcheck/runtime/StackTraceMap.h"

#include "Jhash.h"

#include <linux/bpf.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {
namespace {

constexpr std::uint64_t StackIdFlags =
    BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | BPF_F_FAST_STACK_CMP | BPF_F_REUSE_STACKID;

} // namespace

StackTraceMap::StackTraceMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : Map(std::move(spec), std::move(environment)),
      buckets(std::bit_ceil(std::max<std::uint32_t>(maxEntries(), 1))) {}

long StackTraceMap::getStackId(std::span<const std::uint64_t> stack, std::uint64_t flags) {
  if (flags & ~StackIdFlags)
    return negative(EINVAL);
  const std::uint32_t skip = flags & BPF_F_SKIP_FIELD_MASK;
  // The call chain is fetched up to skip + value_size / 8 frames, bounded by the sysctl.
  const std::uint32_t depth = std::min(valueSize() / 8 + skip, MaxStackDepth);
  const std::size_t fetched = std::min<std::size_t>(stack.size(), depth);
  if (fetched <= skip)
    return negative(EFAULT);
  std::span<const std::uint64_t> ips = stack.subspan(skip, fetched - skip);
  const std::uint32_t hash = jhashWords(ips.data(), ips.size() * 2, 0);
  const std::uint32_t id = hash & (bucketCount() - 1);
  std::lock_guard lock(mutex);
  std::optional<Trace> &bucket = buckets[id];
  const bool hashMatches = bucket && bucket->hash == hash;
  if (hashMatches && (flags & BPF_F_FAST_STACK_CMP))
    return id;
  if (hashMatches && std::equal(ips.begin(), ips.end(), bucket->ips.begin(), bucket->ips.end()))
    return id;
  if (bucket && !(flags & BPF_F_REUSE_STACKID))
    return negative(EEXIST);
  if (!bucket && stored >= maxEntries()) // the free list is empty
    return negative(ENOMEM);
  if (!bucket)
    ++stored;
  bucket = Trace{hash, std::vector<std::uint64_t>(ips.begin(), ips.end())};
  return id;
}

MapStatus StackTraceMap::doLookup(ByteView key, MutableByteView value) const {
  const std::uint32_t id = readU32(key.data());
  std::lock_guard lock(mutex);
  if (id >= bucketCount() || !buckets[id])
    return fail(ENOENT, "no stack with id " + std::to_string(id));
  const std::vector<std::uint64_t> &ips = buckets[id]->ips;
  std::memset(value.data(), 0, value.size());
  std::memcpy(value.data(), ips.data(), ips.size() * sizeof(std::uint64_t));
  return {};
}

MapStatus StackTraceMap::doUpdate(ByteView, ByteView, std::uint64_t) {
  return fail(EINVAL, "stack traces are stored by bpf_get_stackid only");
}

MapStatus StackTraceMap::doDelete(ByteView key) {
  const std::uint32_t id = readU32(key.data());
  std::lock_guard lock(mutex);
  if (id >= bucketCount() || !buckets[id])
    return fail(ENOENT, "no stack with id " + std::to_string(id));
  buckets[id].reset();
  --stored;
  return {};
}

MapStatus StackTraceMap::doNextKey(const std::byte *key, MutableByteView next) const {
  std::lock_guard lock(mutex);
  std::uint32_t id = 0;
  if (key) {
    id = readU32(key);
    id = id >= bucketCount() || !buckets[id] ? 0 : id + 1;
  }
  while (id < bucketCount() && !buckets[id])
    ++id;
  if (id >= bucketCount())
    return fail(ENOENT, "no stack id follows");
  std::memcpy(next.data(), &id, sizeof id);
  return {};
}

MapStatus StackTraceMap::restoreContents(ByteView contents) {
  std::uint32_t count = 0;
  if (contents.size() < sizeof count)
    return fail(EINVAL, "truncated contents");
  std::memcpy(&count, contents.data(), sizeof count);
  const std::size_t pairSize = 4 + std::size_t(valueSize());
  if (contents.size() != sizeof count + count * pairSize)
    return fail(EINVAL, "contents do not match the map");
  std::lock_guard lock(mutex);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::byte *pair = contents.data() + sizeof count + i * pairSize;
    const std::uint32_t id = readU32(pair);
    if (id >= bucketCount())
      return fail(EINVAL, "stack id past the buckets");
    std::vector<std::uint64_t> ips(valueSize() / 8);
    std::memcpy(ips.data(), pair + 4, valueSize());
    while (!ips.empty() && ips.back() == 0) // the copy was zero-padded
      ips.pop_back();
    const std::uint32_t hash = jhashWords(ips.data(), ips.size() * 2, 0);
    if (!buckets[id])
      ++stored;
    buckets[id] = Trace{hash, std::move(ips)};
  }
  return {};
}

} // namespace bpfcheck::runtime
