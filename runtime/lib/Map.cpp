// The checks every user-space command makes before the map type sees it (syscall.c's
// map_lookup_elem, map_update_elem, …), and the defaults for operations a type lacks.
#include "bpfcheck/runtime/Map.h"

#include <linux/bpf.h>

#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {
namespace {

/// Maps without BTF have no bpf_spin_lock in their values, so BPF_F_LOCK is refused.
bool asksForLock(std::uint64_t flags) {
  return (flags & BPF_F_LOCK) != 0;
}

void appendBytes(std::vector<std::byte> &out, const void *data, std::size_t size) {
  const auto *bytes = static_cast<const std::byte *>(data);
  out.insert(out.end(), bytes, bytes + size);
}

} // namespace

Map::Map(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : env(std::move(environment)), attributes(std::move(spec)) {
  entries = effectiveMaxEntries(attributes, env->possibleCpus());
}

Map::~Map() = default;

unsigned Map::possibleCpus() const {
  return env->possibleCpus();
}

std::uint32_t Map::userValueSize() const {
  if (isPercpuMapType(attributes.type))
    return roundUpTo8(attributes.valueSize) * env->possibleCpus();
  return attributes.valueSize;
}

MapError Map::fail(int code, const std::string &what) const {
  return mapError(code, describeMap(attributes) + ": " + what);
}

MapStatus Map::checkSizes(ByteView key, std::size_t valueBytes) const {
  if (key.size() != attributes.keySize)
    return fail(EINVAL, "the key must be " + std::to_string(attributes.keySize) + " bytes (got " +
                            std::to_string(key.size()) + ")");
  if (valueBytes != userValueSize())
    return fail(EINVAL, "the value buffer must be " + std::to_string(userValueSize()) +
                            " bytes (got " + std::to_string(valueBytes) + ")");
  return {};
}

MapStatus Map::lookup(ByteView key, MutableByteView value, std::uint64_t flags) const {
  if (flags & ~std::uint64_t(BPF_F_LOCK))
    return fail(EINVAL, "lookup flags may only hold BPF_F_LOCK");
  if (attributes.flags & BPF_F_WRONLY)
    return fail(EPERM, "the map is write-only for user space (BPF_F_WRONLY)");
  if (asksForLock(flags))
    return fail(EINVAL, "BPF_F_LOCK needs a bpf_spin_lock in the value (the map has no BTF)");
  if (auto sizes = checkSizes(key, value.size()); !sizes)
    return sizes;
  return doLookup(key, value);
}

MapStatus Map::update(ByteView key, ByteView value, std::uint64_t flags) {
  if (attributes.flags & BPF_F_RDONLY)
    return fail(EPERM, "the map is read-only for user space (BPF_F_RDONLY)");
  if (asksForLock(flags))
    return fail(EINVAL, "BPF_F_LOCK needs a bpf_spin_lock in the value (the map has no BTF)");
  if (auto sizes = checkSizes(key, value.size()); !sizes)
    return sizes;
  return doUpdate(key, value, flags);
}

MapStatus Map::remove(ByteView key) {
  if (attributes.flags & BPF_F_RDONLY)
    return fail(EPERM, "the map is read-only for user space (BPF_F_RDONLY)");
  if (key.size() != attributes.keySize)
    return fail(EINVAL, "the key must be " + std::to_string(attributes.keySize) + " bytes");
  return doDelete(key);
}

MapStatus Map::nextKey(const std::byte *key, MutableByteView next) const {
  if (attributes.flags & BPF_F_WRONLY)
    return fail(EPERM, "the map is write-only for user space (BPF_F_WRONLY)");
  if (next.size() != attributes.keySize)
    return fail(EINVAL,
                "the next-key buffer must be " + std::to_string(attributes.keySize) + " bytes");
  return doNextKey(key, next);
}

MapStatus Map::lookupAndDelete(ByteView key, MutableByteView value, std::uint64_t flags) {
  if (flags & ~std::uint64_t(BPF_F_LOCK))
    return fail(EINVAL, "lookup-and-delete flags may only hold BPF_F_LOCK");
  if ((attributes.flags & BPF_F_RDONLY) || (attributes.flags & BPF_F_WRONLY))
    return fail(EPERM, "lookup-and-delete needs both read and write access");
  if (asksForLock(flags))
    return fail(EINVAL, "BPF_F_LOCK needs a bpf_spin_lock in the value (the map has no BTF)");
  if (auto sizes = checkSizes(key, value.size()); !sizes)
    return sizes;
  return doLookupAndDelete(key, value);
}

MapResult<BatchLookup> Map::lookupBatch(ByteView inBatch, std::uint32_t count,
                                        std::uint64_t elementFlags) const {
  if (elementFlags & ~std::uint64_t(BPF_F_LOCK))
    return fail(EINVAL, "batch element flags may only hold BPF_F_LOCK");
  if (attributes.flags & BPF_F_WRONLY)
    return fail(EPERM, "the map is write-only for user space (BPF_F_WRONLY)");
  if (asksForLock(elementFlags))
    return fail(EINVAL, "BPF_F_LOCK needs a bpf_spin_lock in the value (the map has no BTF)");
  return const_cast<Map *>(this)->doLookupBatch(inBatch, count, false);
}

MapResult<BatchLookup> Map::lookupAndDeleteBatch(ByteView inBatch, std::uint32_t count,
                                                 std::uint64_t elementFlags) {
  if (elementFlags & ~std::uint64_t(BPF_F_LOCK))
    return fail(EINVAL, "batch element flags may only hold BPF_F_LOCK");
  if ((attributes.flags & BPF_F_RDONLY) || (attributes.flags & BPF_F_WRONLY))
    return fail(EPERM, "lookup-and-delete needs both read and write access");
  if (asksForLock(elementFlags))
    return fail(EINVAL, "BPF_F_LOCK needs a bpf_spin_lock in the value (the map has no BTF)");
  return doLookupBatch(inBatch, count, true);
}

MapStatus Map::doLookup(ByteView, MutableByteView) const {
  return fail(KernelENOTSUPP, "lookup is not supported by this map type");
}
MapStatus Map::doUpdate(ByteView, ByteView, std::uint64_t) {
  return fail(KernelENOTSUPP, "update is not supported by this map type");
}
MapStatus Map::doDelete(ByteView) {
  return fail(KernelENOTSUPP, "delete is not supported by this map type");
}
MapStatus Map::doNextKey(const std::byte *, MutableByteView) const {
  return fail(KernelENOTSUPP, "get_next_key is not supported by this map type");
}
MapStatus Map::doLookupAndDelete(ByteView, MutableByteView) {
  return fail(KernelENOTSUPP, "lookup-and-delete is not supported by this map type");
}
MapResult<BatchLookup> Map::doLookupBatch(ByteView, std::uint32_t, bool) {
  return fail(KernelENOTSUPP, "batch operations are not supported by this map type");
}

MapResult<BatchLookup> Map::genericLookupBatch(ByteView inBatch, std::uint32_t count) const {
  BatchLookup batch;
  if (count == 0)
    return batch;
  if (!inBatch.empty() && inBatch.size() != keySize())
    return fail(EINVAL, "in_batch must be a key");
  std::vector<std::byte> previous(inBatch.begin(), inBatch.end());
  std::vector<std::byte> key(keySize()), value(userValueSize());
  bool havePrevious = !inBatch.empty();
  while (batch.count < count) {
    MapStatus next = doNextKey(havePrevious ? previous.data() : nullptr, key);
    if (!next) {
      if (next.code() != ENOENT)
        return next.error();
      batch.finished = true;
      break;
    }
    MapStatus found = doLookup(key, value);
    if (!found) {
      if (found.code() != ENOENT)
        return found.error();
      // Deleted between the two steps: the kernel retries, then moves on.
    } else {
      appendBytes(batch.keys, key.data(), key.size());
      appendBytes(batch.values, value.data(), value.size());
      ++batch.count;
    }
    previous = key;
    havePrevious = true;
  }
  if (batch.count > 0)
    batch.nextBatch.assign(batch.keys.end() - keySize(), batch.keys.end());
  return batch;
}

MapError Map::indexPastEnd(std::uint32_t index, int code) const {
  return fail(code, "index " + std::to_string(index) + " is past max_entries");
}

std::uint32_t Map::readU32(const void *bytes) {
  std::uint32_t value;
  std::memcpy(&value, bytes, sizeof value);
  return value;
}

MapStatus Map::arrayNextKey(const std::byte *key, MutableByteView next) const {
  std::uint32_t index = UINT32_MAX;
  if (key)
    std::memcpy(&index, key, sizeof index);
  std::uint32_t following = 0;
  if (index < maxEntries()) {
    if (index == maxEntries() - 1)
      return fail(ENOENT, "no key follows the last index");
    following = index + 1;
  }
  std::memcpy(next.data(), &following, sizeof following);
  return {};
}

void *Map::programLookup(const void *, unsigned) {
  return nullptr;
}
void *Map::programLookupPercpu(const void *, unsigned) {
  return nullptr;
}
long Map::programUpdate(const void *, const void *, std::uint64_t, unsigned) {
  return negative(EOPNOTSUPP);
}
long Map::programDelete(const void *, unsigned) {
  return negative(EOPNOTSUPP);
}
long Map::programPush(const void *, std::uint64_t, unsigned) {
  return negative(EOPNOTSUPP);
}
long Map::programPop(void *, unsigned) {
  return negative(EOPNOTSUPP);
}
long Map::programPeek(void *, unsigned) {
  return negative(EOPNOTSUPP);
}

MapResult<std::vector<std::byte>> Map::saveContents() const {
  return fail(EOPNOTSUPP, "the contents of this map type cannot be pinned");
}
MapStatus Map::restoreContents(ByteView) {
  return fail(EOPNOTSUPP, "the contents of this map type cannot be pinned");
}

MapResult<std::vector<std::byte>> Map::saveKeyValuePairs() const {
  std::vector<std::byte> pairs;
  std::vector<std::byte> key(keySize()), previous(keySize()), value(userValueSize());
  bool first = true;
  std::uint32_t count = 0;
  std::vector<std::byte> body;
  while (true) {
    MapStatus next = doNextKey(first ? nullptr : previous.data(), key);
    if (!next) {
      if (next.code() == ENOENT)
        break;
      return next.error();
    }
    first = false;
    previous = key;
    if (MapStatus found = doLookup(key, value); found) {
      appendBytes(body, key.data(), key.size());
      appendBytes(body, value.data(), value.size());
      ++count;
    }
  }
  appendBytes(pairs, &count, sizeof count);
  pairs.insert(pairs.end(), body.begin(), body.end());
  return pairs;
}

MapStatus Map::restoreKeyValuePairs(ByteView contents) {
  std::uint32_t count = 0;
  if (contents.size() < sizeof count)
    return fail(EINVAL, "truncated contents");
  std::memcpy(&count, contents.data(), sizeof count);
  const std::size_t pairSize = std::size_t(keySize()) + userValueSize();
  if (contents.size() != sizeof count + count * pairSize)
    return fail(EINVAL, "contents do not match the map's key and value sizes");
  for (std::uint32_t i = 0; i < count; ++i) {
    ByteView pair = contents.subspan(sizeof count + i * pairSize, pairSize);
    if (MapStatus stored = doUpdate(pair.first(keySize()), pair.subspan(keySize()), BPF_ANY);
        !stored)
      return stored;
  }
  return {};
}

} // namespace bpfcheck::runtime
