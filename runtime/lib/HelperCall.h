// What every helper implementation receives, and the families of implementations that the
// table in HelperTable.cpp dispatches to (one file each).
#pragma once

#include "bpfcheck/runtime/HelperRuntime.h"

#include <array>
#include <cstdint>

namespace bpfcheck::runtime {

/// One helper call: r1..r5, the runtime, the run in progress and the engine.
struct HelperCall {
  HelperId id;
  const std::array<std::uint64_t, 5> &arguments;
  Runtime &runtime;
  Invocation &invocation;
  ProgramHost &host;

  std::uint64_t argument(unsigned index) const { return arguments[index]; }
  template <typename T> T *pointer(unsigned index) const {
    return reinterpret_cast<T *>(static_cast<std::uintptr_t>(arguments[index]));
  }
  /// The map argument r`index+1`, or null when it is none of the runtime's maps.
  Map *map(unsigned index) const { return runtime.mapAtAddress(arguments[index], invocation); }
  unsigned cpu() const { return runtime.system().cpu; }
};

using HelperFunction = HelperResult (*)(const HelperCall &);

/// The helper's return of a negative errno.
inline HelperResult errnoResult(long code) {
  return HelperResult::returned(static_cast<std::uint64_t>(-code));
}
/// The run cannot go on: argument r`index+1` is not a map of this runtime.
HelperResult notAMap(const HelperCall &call, unsigned index);
/// The context's packet, or null when the program runs without one.
PacketBuffer *packetOf(const HelperCall &call);

// The implementations, by family.
HelperResult mapLookup(const HelperCall &);
HelperResult mapLookupPercpu(const HelperCall &);
HelperResult mapUpdate(const HelperCall &);
HelperResult mapDelete(const HelperCall &);
HelperResult mapPush(const HelperCall &);
HelperResult mapPop(const HelperCall &);
HelperResult mapPeek(const HelperCall &);
HelperResult ringbufOutput(const HelperCall &);
HelperResult ringbufReserve(const HelperCall &);
HelperResult ringbufSubmit(const HelperCall &);
HelperResult ringbufDiscard(const HelperCall &);
HelperResult ringbufQuery(const HelperCall &);
HelperResult perfEventOutput(const HelperCall &);

HelperResult clockRead(const HelperCall &);
HelperResult randomU32(const HelperCall &);
HelperResult processorId(const HelperCall &);
HelperResult numaNodeId(const HelperCall &);
HelperResult currentPidTgid(const HelperCall &);
HelperResult currentUidGid(const HelperCall &);
HelperResult currentComm(const HelperCall &);
HelperResult loop(const HelperCall &);

HelperResult tracePrintk(const HelperCall &);
HelperResult traceVprintk(const HelperCall &);
HelperResult formatString(const HelperCall &);

HelperResult socketBufferLoadBytes(const HelperCall &);
HelperResult socketBufferStoreBytes(const HelperCall &);
HelperResult xdpAdjustHead(const HelperCall &);
HelperResult xdpAdjustTail(const HelperCall &);
HelperResult xdpAdjustMeta(const HelperCall &);
HelperResult redirect(const HelperCall &);
HelperResult checksumDifference(const HelperCall &);
HelperResult layer3ChecksumReplace(const HelperCall &);
HelperResult layer4ChecksumReplace(const HelperCall &);

} // namespace bpfcheck::runtime
