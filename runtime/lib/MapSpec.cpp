// Map creation checks. Whether the kernel accepts a map comes from platform's map type rules
// (checkMapCreation); which errno it reports when it refuses comes from the rows below, read
// from the kernel's *_alloc_check / *_alloc functions: a size or count above its limit is E2BIG
// for some types, and every other problem (checked before the limits) is EINVAL.
#include "bpfcheck/runtime/MapSpec.h"

#include "bpfcheck/platform/MapTypeRules.h"

#include <linux/bpf.h>

#include <algorithm>
#include <cerrno>
#include <limits>

namespace bpfcheck::runtime {
namespace {

/// The errno when one dimension exceeds its limit while everything else is valid.
struct OversizeErrnos {
  MapType type;
  int valueTooLarge = EINVAL;
  int keyTooLarge = EINVAL;
  int tooManyEntries = EINVAL;
  int keyPlusValueTooLarge = EINVAL;
};

constexpr OversizeErrnos oversizeErrnos[] = {
    // array_map_alloc_check: value_size > INT_MAX; percpu values above PCPU_MIN_UNIT_SIZE.
    {MapType::Array, E2BIG},
    {MapType::PercpuArray, E2BIG},
    // htab_map_alloc_check: key + value >= KMALLOC_MAX_SIZE - sizeof(htab_elem), percpu values
    // above PCPU_MIN_UNIT_SIZE; htab_map_alloc: too many buckets.
    {MapType::Hash, E2BIG, EINVAL, E2BIG, E2BIG},
    {MapType::PercpuHash, E2BIG, EINVAL, E2BIG, E2BIG},
    {MapType::LruHash, E2BIG, EINVAL, E2BIG, E2BIG},
    {MapType::LruPercpuHash, E2BIG, EINVAL, E2BIG, E2BIG},
    {MapType::HashOfMaps, EINVAL, EINVAL, E2BIG, E2BIG},
    // queue_stack_map_alloc_check and bloom_map_alloc_check: value_size > KMALLOC_MAX_SIZE.
    {MapType::Queue, E2BIG},
    {MapType::Stack, E2BIG},
    {MapType::BloomFilter, E2BIG},
    // stack_map_alloc: max_entries > 2^31 (a too deep value is EINVAL).
    {MapType::StackTrace, EINVAL, EINVAL, E2BIG},
    // sock_hash_alloc: key_size > MAX_BPF_STACK.
    {MapType::Sockhash, EINVAL, E2BIG},
};

const OversizeErrnos *oversizeErrnosOf(MapType type) {
  for (const OversizeErrnos &row : oversizeErrnos)
    if (row.type == type)
      return &row;
  return nullptr;
}

constexpr MapType implementedTypes[] = {
    MapType::Hash,          MapType::Array,       MapType::ProgArray,  MapType::PerfEventArray,
    MapType::PercpuHash,    MapType::PercpuArray, MapType::StackTrace, MapType::LruHash,
    MapType::LruPercpuHash, MapType::ArrayOfMaps, MapType::HashOfMaps, MapType::Sockmap,
    MapType::Sockhash,      MapType::Queue,       MapType::Stack,      MapType::Ringbuf,
    MapType::BloomFilter,
};

bool isLru(MapType type) {
  return type == MapType::LruHash || type == MapType::LruPercpuHash;
}

/// HTAB_CREATE_FLAG_MASK: the flags htab_map_alloc_check accepts before judging the type.
constexpr std::uint32_t HashCreateFlags = BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU |
                                          BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY |
                                          BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG | BPF_F_ZERO_SEED;

/// The largest size a rule accepts that is not above `size`, or `size` when none is.
std::uint32_t largestAcceptedBelow(const SizeRule &rule, std::uint32_t size) {
  if (size <= rule.maximum || rule.minimum == rule.maximum)
    return size;
  std::uint32_t clamped = rule.maximum;
  if (rule.multipleOf > 1)
    clamped -= clamped % rule.multipleOf;
  return clamped;
}

MapCreation creationOf(const MapSpec &spec) {
  MapCreation creation;
  creation.type = spec.type;
  creation.keySize = spec.keySize;
  creation.valueSize = spec.valueSize;
  creation.maxEntries = spec.maxEntries;
  creation.flags = spec.flags;
  creation.mapExtra = spec.mapExtra;
  if (spec.innerMap)
    creation.innerMap =
        MapShape{spec.innerMap->type, spec.innerMap->keySize, spec.innerMap->valueSize,
                 spec.innerMap->maxEntries, spec.innerMap->flags};
  return creation;
}

/// The errno for a creation platform refused: E2BIG when the only problems are limits this
/// type reports as E2BIG, otherwise EINVAL.
int errnoOfRefusal(const MapSpec &spec, const MapTypeRule &rule) {
  const OversizeErrnos *errnos = oversizeErrnosOf(spec.type);
  if (!errnos)
    return EINVAL;
  MapCreation clamped = creationOf(spec);
  if (rule.needsInnerMap)
    clamped.innerMap = MapShape{MapType::Array, 4, 4, 1, 0};
  int code = 0;
  auto note = [&](int dimensionErrno) {
    if (code == 0 || dimensionErrno == EINVAL)
      code = dimensionErrno;
  };
  const SizeRule &valueRule =
      rule.valueRuleFlag && (spec.flags & rule.valueRuleFlag) ? rule.valueWithFlag : rule.value;
  if (std::uint32_t value = largestAcceptedBelow(valueRule, clamped.valueSize);
      value != clamped.valueSize) {
    clamped.valueSize = value;
    note(errnos->valueTooLarge);
  }
  if (std::uint32_t key = largestAcceptedBelow(rule.key, clamped.keySize); key != clamped.keySize) {
    clamped.keySize = key;
    note(errnos->keyTooLarge);
  }
  if (rule.keyPlusValueLimit &&
      std::uint64_t(clamped.keySize) + clamped.valueSize >= rule.keyPlusValueLimit) {
    if (clamped.keySize + 1 < rule.keyPlusValueLimit)
      clamped.valueSize =
          std::max<std::uint32_t>(rule.value.minimum, rule.keyPlusValueLimit - clamped.keySize - 1);
    note(errnos->keyPlusValueTooLarge);
  }
  if (rule.maxEntriesLimit && clamped.maxEntries > rule.maxEntriesLimit) {
    clamped.maxEntries = rule.maxEntriesLimit;
    note(errnos->tooManyEntries);
  }
  if (code == 0 || checkMapCreation(clamped))
    return EINVAL; // a problem besides the limits: the kernel finds it first
  return code;
}

/// htab_map_alloc_check refuses LRU maps without preallocation with ENOTSUPP once the flags
/// are known ones.
bool isLruWithoutPrealloc(const MapSpec &spec) {
  return isLru(spec.type) && (spec.flags & BPF_F_NO_PREALLOC) && spec.mapExtra == 0 &&
         !(spec.flags & ~HashCreateFlags) &&
         !((spec.flags & BPF_F_RDONLY) && (spec.flags & BPF_F_WRONLY)) &&
         !((spec.flags & BPF_F_RDONLY_PROG) && (spec.flags & BPF_F_WRONLY_PROG));
}

} // namespace

bool isImplementedMapType(MapType type) {
  return std::find(std::begin(implementedTypes), std::end(implementedTypes), type) !=
         std::end(implementedTypes);
}

bool isPercpuMapType(MapType type) {
  return type == MapType::PercpuArray || type == MapType::PercpuHash ||
         type == MapType::LruPercpuHash;
}

std::string describeMap(const MapSpec &spec) {
  std::string_view typeName = nameOf(spec.type);
  std::string text = typeName.empty()
                         ? "map of type " + std::to_string(static_cast<std::uint32_t>(spec.type))
                         : std::string(typeName) + " map";
  if (!spec.name.empty())
    text += " '" + spec.name + "'";
  return text;
}

std::uint32_t effectiveMaxEntries(const MapSpec &spec, unsigned possibleCpus) {
  if (!isLru(spec.type) || !(spec.flags & BPF_F_NO_COMMON_LRU) || possibleCpus == 0)
    return spec.maxEntries;
  // Each CPU's LRU list gets the same number of elements, at least one.
  const std::uint64_t roundedUp =
      (std::uint64_t(spec.maxEntries) + possibleCpus - 1) / possibleCpus * possibleCpus;
  if (roundedUp <= std::numeric_limits<std::uint32_t>::max())
    return static_cast<std::uint32_t>(roundedUp);
  return spec.maxEntries / possibleCpus * possibleCpus;
}

MapStatus validateMapSpec(const MapSpec &spec) {
  const std::string what = describeMap(spec);
  const MapTypeRule *rule = findMapTypeRule(spec.type);
  if (!rule)
    return mapError(EINVAL, what + ": unknown map type");
  const bool mapInMap = rule->needsInnerMap;
  if (isLruWithoutPrealloc(spec))
    return mapError(KernelENOTSUPP, what + ": LRU maps are always preallocated "
                                           "(BPF_F_NO_PREALLOC is not supported)");
  MapCreation creation = creationOf(spec);
  if (mapInMap) // judge the outer map alone first, then its inner template
    creation.innerMap = MapShape{MapType::Array, 4, 4, 1, 0};
  if (std::optional<std::string> problem = checkMapCreation(creation))
    return mapError(errnoOfRefusal(spec, *rule), what + ": " + *problem);

  if (mapInMap) {
    // bpf_map_meta_alloc: inner_map_fd must name a map of a type that can be an inner map.
    if (!spec.innerMap)
      return mapError(EBADF, what + ": a map-in-map needs an inner map template (inner_map_fd)");
    const MapTypeRule *innerRule = findMapTypeRule(spec.innerMap->type);
    if (innerRule && innerRule->needsInnerMap)
      return mapError(EINVAL, what + ": map-in-map nests only one level deep");
    if (innerRule && !innerRule->canBeInnerMap)
      return mapError(KernelENOTSUPP,
                      what + ": " + describeMap(*spec.innerMap) + " cannot be an inner map");
    if (MapStatus inner = validateMapSpec(*spec.innerMap); !inner)
      return mapError(inner.code(), what + ": inner map template: " + inner.error().message);
  }
  if (!isImplementedMapType(spec.type))
    return mapError(EOPNOTSUPP, what + ": this map type is not implemented by bpfcheck's runtime");
  if (spec.type == MapType::StackTrace && (spec.flags & BPF_F_STACK_BUILD_ID))
    return mapError(EOPNOTSUPP, what + ": build-id stack traces are not implemented by "
                                       "bpfcheck's runtime");
  return {};
}

} // namespace bpfcheck::runtime
