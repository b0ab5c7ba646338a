// Array maps: index checks and flag rules of array_map_update_elem, array_map_get_next_key's
// index order, and per-CPU copies (user space sees every CPU's value, programs their own).
#include "bpfcheck/runtime/ArrayMap.h"

#include <linux/bpf.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace bpfcheck::runtime {
ArrayMap::ArrayMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : Map(std::move(spec), std::move(environment)), percpu(type() == MapType::PercpuArray),
      stride(roundUpTo8(valueSize())) {
  const std::size_t copies = percpu ? possibleCpus() : 1;
  storage = std::make_unique<std::byte[]>(std::size_t(maxEntries()) * copies * stride);
}

const std::byte *ArrayMap::elementData(std::uint32_t index, unsigned cpu) const {
  if (index >= maxEntries() || (percpu && cpu >= possibleCpus()))
    return nullptr;
  const std::size_t copies = percpu ? possibleCpus() : 1;
  return storage.get() + (std::size_t(index) * copies + (percpu ? cpu : 0)) * stride;
}

std::byte *ArrayMap::elementData(std::uint32_t index, unsigned cpu) {
  return const_cast<std::byte *>(std::as_const(*this).elementData(index, cpu));
}

int ArrayMap::updateRefusal(std::uint32_t index, std::uint64_t flags) const {
  if ((flags & ~std::uint64_t(BPF_F_LOCK)) > BPF_EXIST)
    return EINVAL;
  if (index >= maxEntries())
    return E2BIG;
  if (flags & BPF_NOEXIST) // every element exists
    return EEXIST;
  if (flags & BPF_F_LOCK) // no bpf_spin_lock without BTF
    return EINVAL;
  return 0;
}

MapStatus ArrayMap::doLookup(ByteView key, MutableByteView value) const {
  const std::uint32_t index = readU32(key.data());
  if (index >= maxEntries())
    return indexPastEnd(index, ENOENT);
  if (!percpu) {
    std::memcpy(value.data(), elementData(index, 0), valueSize());
    return {};
  }
  for (unsigned cpu = 0; cpu < possibleCpus(); ++cpu)
    std::memcpy(value.data() + std::size_t(cpu) * stride, elementData(index, cpu), stride);
  return {};
}

MapStatus ArrayMap::doUpdate(ByteView key, ByteView value, std::uint64_t flags) {
  const std::uint32_t index = readU32(key.data());
  switch (updateRefusal(index, flags)) {
  case 0:
    break;
  case E2BIG:
    return indexPastEnd(index);
  case EEXIST:
    return fail(EEXIST, "BPF_NOEXIST: array elements always exist");
  default:
    return fail(EINVAL, "update flags must be BPF_ANY, BPF_NOEXIST or BPF_EXIST");
  }
  if (!percpu) {
    std::memcpy(elementData(index, 0), value.data(), valueSize());
    return {};
  }
  for (unsigned cpu = 0; cpu < possibleCpus(); ++cpu)
    std::memcpy(elementData(index, cpu), value.data() + std::size_t(cpu) * stride, valueSize());
  return {};
}

MapStatus ArrayMap::doDelete(ByteView) {
  return fail(EINVAL, "array elements cannot be deleted");
}

MapStatus ArrayMap::doNextKey(const std::byte *key, MutableByteView next) const {
  return arrayNextKey(key, next);
}

MapResult<BatchLookup> ArrayMap::doLookupBatch(ByteView inBatch, std::uint32_t count,
                                               bool deleteFound) {
  if (deleteFound)
    return fail(KernelENOTSUPP, "array maps have no lookup-and-delete batch");
  return genericLookupBatch(inBatch, count);
}

void *ArrayMap::programLookup(const void *key, unsigned cpu) {
  return elementData(readU32(key), percpu ? cpu : 0);
}

void *ArrayMap::programLookupPercpu(const void *key, unsigned targetCpu) {
  if (!percpu)
    return nullptr;
  return elementData(readU32(key), targetCpu);
}

long ArrayMap::programUpdate(const void *key, const void *value, std::uint64_t flags,
                             unsigned cpu) {
  const std::uint32_t index = readU32(key);
  if (int refusal = updateRefusal(index, flags))
    return negative(refusal);
  // A program writes its own CPU's copy of a per-CPU value.
  std::memcpy(elementData(index, percpu ? cpu : 0), value, valueSize());
  return 0;
}

long ArrayMap::programDelete(const void *, unsigned) {
  return negative(EINVAL);
}

} // namespace bpfcheck::runtime
