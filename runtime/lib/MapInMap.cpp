// Map-in-map values: ids in, ids out for user space (bpf_map_fd_get_ptr,
// bpf_map_fd_sys_lookup_elem), Map* for programs, fd-array update and delete rules.
#include "bpfcheck/runtime/MapInMap.h"

#include "bpfcheck/platform/MapTypeRules.h"

#include <linux/bpf.h>

#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {
namespace {

MapShape shapeOf(const MapSpec &spec, std::uint32_t maxEntries) {
  return MapShape{spec.type, spec.keySize, spec.valueSize, maxEntries, spec.flags};
}

/// The map a user-space value names, or EBADF.
MapResult<std::shared_ptr<Map>> resolveInner(const Map &outer, ByteView value) {
  const std::uint32_t id = Map::readU32(value.data());
  std::shared_ptr<Map> inner = outer.environment().findMap(id);
  if (!inner)
    return mapError(EBADF, describeMap(outer.spec()) + ": no map with id " + std::to_string(id));
  if (MapStatus fits = checkInnerMap(*outer.spec().innerMap, *inner); !fits)
    return fits.error();
  return inner;
}

} // namespace

MapStatus checkInnerMap(const MapSpec &innerTemplate, const Map &candidate) {
  const std::uint32_t templateEntries =
      effectiveMaxEntries(innerTemplate, candidate.possibleCpus());
  if (std::optional<std::string> problem =
          checkInnerMapCompatible(shapeOf(innerTemplate, templateEntries),
                                  shapeOf(candidate.spec(), candidate.maxEntries())))
    return mapError(EINVAL, describeMap(candidate.spec()) + ": " + *problem);
  return {};
}

// ---- array_of_maps

ArrayOfMaps::ArrayOfMaps(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : Map(std::move(spec), std::move(environment)), slots(maxEntries()) {}

ArrayOfMaps::~ArrayOfMaps() = default;

void ArrayOfMaps::retire(std::shared_ptr<Map> inner) {
  if (inner)
    env->reclaimer().retire([inner]() mutable { inner.reset(); });
}

Map *ArrayOfMaps::innerMap(std::uint32_t index) const {
  std::lock_guard lock(mutex);
  return index < slots.size() ? slots[index].get() : nullptr;
}

void *ArrayOfMaps::programLookup(const void *key, unsigned) {
  return innerMap(readU32(key));
}

MapStatus ArrayOfMaps::doLookup(ByteView key, MutableByteView value) const {
  const std::uint32_t index = readU32(key.data());
  std::lock_guard lock(mutex);
  if (index >= slots.size() || !slots[index])
    return fail(ENOENT, "no inner map at index " + std::to_string(index));
  const std::uint32_t id = slots[index]->id();
  std::memcpy(value.data(), &id, sizeof id);
  return {};
}

MapStatus ArrayOfMaps::doUpdate(ByteView key, ByteView value, std::uint64_t flags) {
  if (flags != BPF_ANY)
    return fail(EINVAL, "map-in-map array updates take BPF_ANY only");
  const std::uint32_t index = readU32(key.data());
  if (index >= maxEntries())
    return indexPastEnd(index);
  auto inner = resolveInner(*this, value);
  if (!inner)
    return inner.error();
  std::shared_ptr<Map> old;
  {
    std::lock_guard lock(mutex);
    old = std::exchange(slots[index], *inner);
  }
  retire(std::move(old));
  return {};
}

MapStatus ArrayOfMaps::doDelete(ByteView key) {
  const std::uint32_t index = readU32(key.data());
  if (index >= maxEntries())
    return indexPastEnd(index);
  std::shared_ptr<Map> old;
  {
    std::lock_guard lock(mutex);
    old = std::exchange(slots[index], nullptr);
  }
  if (!old)
    return fail(ENOENT, "no inner map at index " + std::to_string(index));
  retire(std::move(old));
  return {};
}

MapStatus ArrayOfMaps::doNextKey(const std::byte *key, MutableByteView next) const {
  return arrayNextKey(key, next);
}

// ---- hash_of_maps: a hash map whose elements store a Map*

HashOfMaps::HashOfMaps(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : HashMap(std::move(spec), std::move(environment), sizeof(Map *)) {}

void *HashOfMaps::programLookup(const void *key, unsigned cpu) {
  const std::byte *stored = findValue(static_cast<const std::byte *>(key), cpu, false);
  if (!stored)
    return nullptr;
  Map *inner;
  std::memcpy(&inner, stored, sizeof inner);
  return inner;
}

long HashOfMaps::programUpdate(const void *, const void *, std::uint64_t, unsigned) {
  return negative(EOPNOTSUPP); // the verifier lets programs only look up map-in-maps
}

long HashOfMaps::programDelete(const void *, unsigned) {
  return negative(EOPNOTSUPP);
}

MapStatus HashOfMaps::doUpdate(ByteView key, ByteView value, std::uint64_t flags) {
  auto inner = resolveInner(*this, value);
  if (!inner)
    return inner.error();
  Map *pointer = inner->get();
  {
    std::lock_guard lock(referencesMutex);
    auto &entry = references[pointer];
    entry.first = *inner;
    ++entry.second;
  }
  std::byte stored[sizeof pointer];
  std::memcpy(stored, &pointer, sizeof pointer);
  const int refusal = storeElement(key.data(), stored, flags, ValueSource::User, 0);
  if (refusal == 0)
    return {};
  releaseValue(stored); // not stored after all
  switch (refusal) {
  case EEXIST:
    return fail(EEXIST, "BPF_NOEXIST: the key exists");
  case ENOENT:
    return fail(ENOENT, "BPF_EXIST: no element with this key");
  case E2BIG:
    return fail(E2BIG, "the map is full");
  default:
    return fail(refusal, "update refused");
  }
}

MapStatus HashOfMaps::doLookupAndDelete(ByteView, MutableByteView) {
  return fail(KernelENOTSUPP, "lookup-and-delete is for hash maps of values only");
}

MapResult<BatchLookup> HashOfMaps::doLookupBatch(ByteView, std::uint32_t, bool) {
  return fail(KernelENOTSUPP, "hash_of_maps has no batch operations");
}

void HashOfMaps::exportValue(const std::byte *stored, std::byte *user) const {
  Map *inner;
  std::memcpy(&inner, stored, sizeof inner);
  const std::uint32_t id = inner->id();
  std::memcpy(user, &id, sizeof id);
}

void HashOfMaps::releaseValue(std::byte *stored) {
  Map *inner;
  std::memcpy(&inner, stored, sizeof inner);
  std::shared_ptr<Map> last;
  {
    std::lock_guard lock(referencesMutex);
    auto found = references.find(inner);
    if (found == references.end())
      return;
    if (--found->second.second == 0) {
      last = std::move(found->second.first);
      references.erase(found);
    }
  }
  if (last)
    env->reclaimer().retire([last]() mutable { last.reset(); });
}

} // namespace bpfcheck::runtime
