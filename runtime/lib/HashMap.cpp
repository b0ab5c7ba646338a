// Hash maps: bucket chains with new elements at the head (hlist_nulls_add_head_rcu), the
// update rules of htab_map_update_elem (plain), __htab_percpu_map_update_elem (values updated
// in place), htab_lru_map_update_elem (a free element taken, evicting if needed, before the
// flags are checked) and __htab_lru_percpu_map_update_elem (no eviction for BPF_EXIST),
// htab_map_get_next_key, and the bucket-wise batch of __htab_map_lookup_and_delete_batch.
#include "bpfcheck/runtime/HashMap.h"

#include "Jhash.h"

#include <linux/bpf.h>

#include <bit>
#include <cerrno>
#include <cstring>

namespace bpfcheck::runtime {

/// One key and its value(s), chained in its bucket and, for LRU maps, in the use order.
struct HashMap::Element {
  Element *next = nullptr;  ///< bucket chain
  Element *newer = nullptr; ///< LRU list neighbours
  Element *older = nullptr;
  std::uint32_t hash = 0;
  std::unique_ptr<std::byte[]> bytes; ///< key (rounded up to 8), then the value copies
};

HashMap::HashMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment)
    : HashMap(spec, std::move(environment), spec.valueSize) {}

HashMap::HashMap(MapSpec spec, std::shared_ptr<MapEnvironment> environment,
                 std::uint32_t storedValueSize)
    : Map(std::move(spec), std::move(environment)), percpu(isPercpuMapType(type())),
      lru(type() == MapType::LruHash || type() == MapType::LruPercpuHash),
      storedSize(storedValueSize), valueStride(roundUpTo8(storedValueSize)),
      keyStride(roundUpTo8(keySize())) {
  seed = (this->spec().flags & BPF_F_ZERO_SEED) ? 0 : env->randomU32();
  buckets.assign(std::bit_ceil(std::max<std::uint32_t>(maxEntries(), 1)), nullptr);
}

HashMap::~HashMap() {
  for (Element *head : buckets)
    while (head)
      delete std::exchange(head, head->next);
}

std::uint32_t HashMap::elementCount() const {
  std::lock_guard lock(mutex);
  return liveElements;
}

std::uint32_t HashMap::hashOf(const std::byte *key) const {
  return kernelKeyHash(key, keySize(), seed);
}

HashMap::Element *HashMap::newElement(const std::byte *key, std::uint32_t hash) {
  auto *element = new Element;
  element->hash = hash;
  const std::size_t copies = percpu ? possibleCpus() : 1;
  element->bytes = std::make_unique<std::byte[]>(keyStride + copies * valueStride);
  std::memcpy(element->bytes.get(), key, keySize());
  return element;
}

std::byte *HashMap::valueOf(Element *element, unsigned cpu) const {
  return element->bytes.get() + keyStride + std::size_t(percpu ? cpu : 0) * valueStride;
}

HashMap::Element *HashMap::findLocked(const std::byte *key, std::uint32_t hash) const {
  for (Element *element = buckets[bucketOf(hash)]; element; element = element->next)
    if (element->hash == hash && std::memcmp(element->bytes.get(), key, keySize()) == 0)
      return element;
  return nullptr;
}

void HashMap::pushMostRecentLocked(Element *element) {
  element->older = mostRecent;
  element->newer = nullptr;
  if (mostRecent)
    mostRecent->newer = element;
  mostRecent = element;
  if (!leastRecent)
    leastRecent = element;
}

void HashMap::touchLocked(Element *element) {
  if (!lru || element == mostRecent)
    return;
  // Take it out of the list, then put it back in front.
  if (element->newer)
    element->newer->older = element->older;
  if (element->older)
    element->older->newer = element->newer;
  if (leastRecent == element)
    leastRecent = element->newer;
  pushMostRecentLocked(element);
}

void HashMap::unlinkLocked(Element *element) {
  Element **link = &buckets[bucketOf(element->hash)];
  while (*link != element)
    link = &(*link)->next;
  *link = element->next;
  if (lru) {
    if (element->newer)
      element->newer->older = element->older;
    else
      mostRecent = element->older;
    if (element->older)
      element->older->newer = element->newer;
    else
      leastRecent = element->newer;
  }
}

void HashMap::retireLocked(Element *element) {
  releaseValue(valueOf(element, 0));
  // Programs may still hold pointers into it until their run ends.
  env->reclaimer().retire([element] { delete element; });
}

void HashMap::evictLeastRecentLocked() {
  if (Element *victim = leastRecent) {
    unlinkLocked(victim);
    retireLocked(victim);
    --liveElements;
  }
}

int HashMap::storeElement(const std::byte *key, const std::byte *value, std::uint64_t flags,
                          ValueSource source, unsigned cpu) {
  if ((flags & ~std::uint64_t(BPF_F_LOCK)) > BPF_EXIST)
    return EINVAL;
  if (flags & BPF_F_LOCK)
    return EINVAL; // no bpf_spin_lock without BTF
  const std::uint32_t hash = hashOf(key);
  std::lock_guard lock(mutex);
  // LRU maps take a free element before looking at the key; with none free, the least
  // recently used element goes, even if the update then fails its flags check.
  if (lru && !(percpu && flags == BPF_EXIST) && liveElements >= maxEntries())
    evictLeastRecentLocked();
  Element *old = findLocked(key, hash);
  if (old && flags == BPF_NOEXIST)
    return EEXIST;
  if (!old && flags == BPF_EXIST)
    return ENOENT;

  auto writeValue = [&](Element *element, bool fresh) {
    if (!percpu) {
      std::memcpy(valueOf(element, 0), value, storedSize);
      return;
    }
    for (unsigned c = 0; c < possibleCpus(); ++c) {
      std::byte *copy = valueOf(element, c);
      if (source == ValueSource::User)
        std::memcpy(copy, value + std::size_t(c) * valueStride, storedSize);
      else if (c == cpu)
        std::memcpy(copy, value, storedSize);
      else if (fresh) // pcpu_init_value: a program cannot set the other CPUs' values
        std::memset(copy, 0, valueStride);
    }
  };

  if (old && percpu) { // per-CPU values are updated in place
    writeValue(old, false);
    touchLocked(old);
    return 0;
  }
  if (!old && !lru && liveElements >= maxEntries())
    return E2BIG;
  Element *element = newElement(key, hash);
  writeValue(element, true);
  Element *&head = buckets[bucketOf(hash)];
  element->next = head;
  head = element;
  if (lru)
    pushMostRecentLocked(element);
  if (old) {
    unlinkLocked(old);
    retireLocked(old);
  } else {
    ++liveElements;
  }
  return 0;
}

std::byte *HashMap::findValue(const std::byte *key, unsigned cpu, bool touch) {
  const std::uint32_t hash = hashOf(key);
  std::lock_guard lock(mutex);
  Element *element = findLocked(key, hash);
  if (!element)
    return nullptr;
  if (touch)
    touchLocked(element);
  return valueOf(element, cpu);
}

void HashMap::exportValue(const std::byte *stored, std::byte *user) const {
  std::memcpy(user, stored, storedSize);
}

void HashMap::exportAllCopies(Element *element, std::byte *user) const {
  if (!percpu) {
    exportValue(valueOf(element, 0), user);
    return;
  }
  for (unsigned c = 0; c < possibleCpus(); ++c)
    std::memcpy(user + std::size_t(c) * valueStride, valueOf(element, c), valueStride);
}

int HashMap::deleteLocked(const std::byte *key) {
  Element *element = findLocked(key, hashOf(key));
  if (!element)
    return ENOENT;
  unlinkLocked(element);
  retireLocked(element);
  --liveElements;
  return 0;
}

MapStatus HashMap::doLookup(ByteView key, MutableByteView value) const {
  const std::uint32_t hash = hashOf(key.data());
  std::lock_guard lock(mutex);
  Element *element = findLocked(key.data(), hash);
  if (!element)
    return fail(ENOENT, "no element with this key");
  exportAllCopies(element, value.data()); // user-space lookups do not count as LRU uses
  return {};
}

MapStatus HashMap::doUpdate(ByteView key, ByteView value, std::uint64_t flags) {
  switch (storeElement(key.data(), value.data(), flags, ValueSource::User, 0)) {
  case 0:
    return {};
  case EEXIST:
    return fail(EEXIST, "BPF_NOEXIST: the key exists");
  case ENOENT:
    return fail(ENOENT, "BPF_EXIST: no element with this key");
  case E2BIG:
    return fail(E2BIG, "the map is full (max_entries " + std::to_string(maxEntries()) + ")");
  default:
    return fail(EINVAL, "update flags must be BPF_ANY, BPF_NOEXIST or BPF_EXIST");
  }
}

MapStatus HashMap::doDelete(ByteView key) {
  std::lock_guard lock(mutex);
  if (deleteLocked(key.data()) != 0)
    return fail(ENOENT, "no element with this key");
  return {};
}

MapStatus HashMap::doLookupAndDelete(ByteView key, MutableByteView value) {
  const std::uint32_t hash = hashOf(key.data());
  std::lock_guard lock(mutex);
  Element *element = findLocked(key.data(), hash);
  if (!element)
    return fail(ENOENT, "no element with this key");
  exportAllCopies(element, value.data());
  unlinkLocked(element);
  retireLocked(element);
  --liveElements;
  return {};
}

MapStatus HashMap::doNextKey(const std::byte *key, MutableByteView next) const {
  std::lock_guard lock(mutex);
  std::uint32_t bucket = 0;
  if (key) {
    const std::uint32_t hash = hashOf(key);
    if (Element *element = findLocked(key, hash)) {
      if (element->next) { // the next element of the same bucket
        std::memcpy(next.data(), element->next->bytes.get(), keySize());
        return {};
      }
      bucket = bucketOf(hash) + 1;
    }
    // A key not in the map starts the walk over from the first bucket.
  }
  for (; bucket < bucketCount(); ++bucket)
    if (Element *first = buckets[bucket]) {
      std::memcpy(next.data(), first->bytes.get(), keySize());
      return {};
    }
  return fail(ENOENT, "no key follows");
}

MapResult<BatchLookup> HashMap::doLookupBatch(ByteView inBatch, std::uint32_t count,
                                              bool deleteFound) {
  BatchLookup batch;
  if (count == 0)
    return batch;
  std::uint32_t bucket = 0;
  if (!inBatch.empty()) {
    if (inBatch.size() != sizeof bucket)
      return fail(EINVAL, "in_batch of a hash map is a 4-byte bucket index");
    std::memcpy(&bucket, inBatch.data(), sizeof bucket);
  }
  if (bucket >= bucketCount()) {
    batch.finished = true;
    return batch;
  }
  std::lock_guard lock(mutex);
  const std::uint32_t userSize = userValueSize();
  while (true) {
    std::uint32_t inBucket = 0;
    for (Element *element = buckets[bucket]; element; element = element->next)
      ++inBucket;
    // A bucket is returned whole or not at all.
    if (inBucket > count - batch.count) {
      if (batch.count == 0)
        return fail(ENOSPC, "a bucket holds " + std::to_string(inBucket) +
                                " elements, more than the batch's " + std::to_string(count));
      break;
    }
    for (Element *element = buckets[bucket]; element;) {
      Element *following = element->next;
      batch.keys.insert(batch.keys.end(), element->bytes.get(), element->bytes.get() + keySize());
      batch.values.resize(batch.values.size() + userSize);
      exportAllCopies(element, batch.values.data() + batch.values.size() - userSize);
      if (deleteFound) {
        unlinkLocked(element);
        retireLocked(element);
        --liveElements;
      }
      element = following;
    }
    batch.count += inBucket;
    if (++bucket >= bucketCount()) {
      batch.finished = true;
      break;
    }
  }
  batch.nextBatch.resize(sizeof bucket);
  std::memcpy(batch.nextBatch.data(), &bucket, sizeof bucket);
  return batch;
}

void *HashMap::programLookup(const void *key, unsigned cpu) {
  return findValue(static_cast<const std::byte *>(key), percpu ? cpu : 0, true);
}

void *HashMap::programLookupPercpu(const void *key, unsigned targetCpu) {
  if (!percpu || targetCpu >= possibleCpus())
    return nullptr;
  return findValue(static_cast<const std::byte *>(key), targetCpu, true);
}

long HashMap::programUpdate(const void *key, const void *value, std::uint64_t flags, unsigned cpu) {
  return negative(storeElement(static_cast<const std::byte *>(key),
                               static_cast<const std::byte *>(value), flags, ValueSource::Program,
                               cpu));
}

long HashMap::programDelete(const void *key, unsigned) {
  std::lock_guard lock(mutex);
  return negative(deleteLocked(static_cast<const std::byte *>(key)));
}

} // namespace bpfcheck::runtime
