// The map helpers: element lookup, update and delete, queue and stack operations, the ring
// buffer and perf event output, on the runtime's maps with the kernel's return values.
#include "HelperCall.h"

#include "bpfcheck/runtime/PerfEventArray.h"
#include "bpfcheck/runtime/RingBuffer.h"

#include <linux/bpf.h>

namespace bpfcheck::runtime {

namespace {

bool isMapOfMaps(const Map &map) {
  return map.type() == MapType::ArrayOfMaps || map.type() == MapType::HashOfMaps;
}

/// Hands a value pointer to the program (and to checked mode, unless it is an inner map).
HelperResult exposeValue(const HelperCall &call, Map &map, void *value) {
  if (value && isMapOfMaps(map))
    call.invocation.innerMaps.push_back(static_cast<const Map *>(value));
  else if (value)
    call.host.exposeMemory(value, map.valueSize(), (map.spec().flags & BPF_F_RDONLY_PROG) == 0);
  return HelperResult::returned(reinterpret_cast<std::uintptr_t>(value));
}

HelperResult fromErrno(long result) {
  return HelperResult::returned(static_cast<std::uint64_t>(result));
}

} // namespace

HelperResult mapLookup(const HelperCall &call) {
  Map *map = call.map(0);
  if (!map)
    return notAMap(call, 0);
  return exposeValue(call, *map, map->programLookup(call.pointer<const void>(1), call.cpu()));
}

HelperResult mapLookupPercpu(const HelperCall &call) {
  Map *map = call.map(0);
  if (!map)
    return notAMap(call, 0);
  const auto target = static_cast<std::uint32_t>(call.argument(2));
  return exposeValue(call, *map, map->programLookupPercpu(call.pointer<const void>(1), target));
}

HelperResult mapUpdate(const HelperCall &call) {
  Map *map = call.map(0);
  if (!map)
    return notAMap(call, 0);
  return fromErrno(map->programUpdate(call.pointer<const void>(1), call.pointer<const void>(2),
                                      call.argument(3), call.cpu()));
}

HelperResult mapDelete(const HelperCall &call) {
  Map *map = call.map(0);
  if (!map)
    return notAMap(call, 0);
  return fromErrno(map->programDelete(call.pointer<const void>(1), call.cpu()));
}

HelperResult mapPush(const HelperCall &call) {
  Map *map = call.map(0);
  if (!map)
    return notAMap(call, 0);
  return fromErrno(map->programPush(call.pointer<const void>(1), call.argument(2), call.cpu()));
}

HelperResult mapPop(const HelperCall &call) {
  Map *map = call.map(0);
  if (!map)
    return notAMap(call, 0);
  return fromErrno(map->programPop(call.pointer<void>(1), call.cpu()));
}

HelperResult mapPeek(const HelperCall &call) {
  Map *map = call.map(0);
  if (!map)
    return notAMap(call, 0);
  return fromErrno(map->programPeek(call.pointer<void>(1), call.cpu()));
}

namespace {

RingBuffer *ringBufferArgument(const HelperCall &call) {
  return dynamic_cast<RingBuffer *>(call.map(0));
}

} // namespace

HelperResult ringbufOutput(const HelperCall &call) {
  RingBuffer *ring = ringBufferArgument(call);
  if (!ring)
    return notAMap(call, 0);
  return fromErrno(ring->output(call.pointer<const void>(1), call.argument(2), call.argument(3)));
}

HelperResult ringbufReserve(const HelperCall &call) {
  RingBuffer *ring = ringBufferArgument(call);
  if (!ring)
    return notAMap(call, 0);
  void *sample = ring->reserve(call.argument(1), call.argument(2));
  if (sample)
    call.host.exposeMemory(sample, static_cast<std::size_t>(call.argument(1)), true);
  return HelperResult::returned(reinterpret_cast<std::uintptr_t>(sample));
}

HelperResult ringbufSubmit(const HelperCall &call) {
  if (!RingBuffer::owning(call.pointer<const void>(0)))
    return HelperResult::failed("r1 is not a record reserved in a ring buffer of this run");
  RingBuffer::submit(call.pointer<void>(0), call.argument(1));
  return HelperResult::returned(0);
}

HelperResult ringbufDiscard(const HelperCall &call) {
  if (!RingBuffer::owning(call.pointer<const void>(0)))
    return HelperResult::failed("r1 is not a record reserved in a ring buffer of this run");
  RingBuffer::discard(call.pointer<void>(0), call.argument(1));
  return HelperResult::returned(0);
}

HelperResult ringbufQuery(const HelperCall &call) {
  RingBuffer *ring = ringBufferArgument(call);
  if (!ring)
    return notAMap(call, 0);
  return HelperResult::returned(ring->query(call.argument(1)));
}

HelperResult perfEventOutput(const HelperCall &call) {
  auto *events = dynamic_cast<PerfEventArray *>(call.map(1));
  if (!events)
    return notAMap(call, 1);
  return fromErrno(
      events->output(call.pointer<const void>(3), call.argument(4), call.argument(2), call.cpu()));
}

} // namespace bpfcheck::runtime
