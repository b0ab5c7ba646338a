// Which implementation serves each helper id, and the runtime's own state: its maps, the
// simulated clock and the random sequence. A helper without a row stops the run with a
// message naming it: the runtime never pretends a helper returned 0.
#include "HelperCall.h"

#include <array>
#include <string>

namespace bpfcheck::runtime {

namespace {

struct HelperRow {
  HelperId id;
  HelperFunction function;
};

constexpr HelperRow helperRows[] = {
    {HelperId::MapLookupElem, mapLookup},
    {HelperId::MapUpdateElem, mapUpdate},
    {HelperId::MapDeleteElem, mapDelete},
    {HelperId::MapPushElem, mapPush},
    {HelperId::MapPopElem, mapPop},
    {HelperId::MapPeekElem, mapPeek},
    {HelperId::MapLookupPercpuElem, mapLookupPercpu},
    {HelperId::RingbufOutput, ringbufOutput},
    {HelperId::RingbufReserve, ringbufReserve},
    {HelperId::RingbufSubmit, ringbufSubmit},
    {HelperId::RingbufDiscard, ringbufDiscard},
    {HelperId::RingbufQuery, ringbufQuery},
    {HelperId::PerfEventOutput, perfEventOutput},
    {HelperId::KtimeGetNs, clockRead},
    {HelperId::KtimeGetBootNs, clockRead},
    {HelperId::KtimeGetCoarseNs, clockRead},
    {HelperId::KtimeGetTaiNs, clockRead},
    {HelperId::GetPrandomU32, randomU32},
    {HelperId::GetSmpProcessorId, processorId},
    {HelperId::GetNumaNodeId, numaNodeId},
    {HelperId::GetCurrentPidTgid, currentPidTgid},
    {HelperId::GetCurrentUidGid, currentUidGid},
    {HelperId::GetCurrentComm, currentComm},
    {HelperId::Loop, loop},
    {HelperId::TracePrintk, tracePrintk},
    {HelperId::TraceVprintk, traceVprintk},
    {HelperId::Snprintf, formatString},
    {HelperId::SkbLoadBytes, socketBufferLoadBytes},
    {HelperId::SkbStoreBytes, socketBufferStoreBytes},
    {HelperId::XdpAdjustHead, xdpAdjustHead},
    {HelperId::XdpAdjustTail, xdpAdjustTail},
    {HelperId::XdpAdjustMeta, xdpAdjustMeta},
    {HelperId::Redirect, redirect},
    {HelperId::CsumDiff, checksumDifference},
    {HelperId::L3CsumReplace, layer3ChecksumReplace},
    {HelperId::L4CsumReplace, layer4ChecksumReplace},
};

/// The implementation of each helper id, indexed once at compile time: a call costs an
/// array access, not a search of the rows.
constexpr std::uint32_t helperIdLimit = 256;
constexpr std::array<HelperFunction, helperIdLimit> helperFunctions = [] {
  std::array<HelperFunction, helperIdLimit> functions{};
  for (const HelperRow &row : helperRows)
    functions[static_cast<std::uint32_t>(row.id)] = row.function;
  return functions;
}();

} // namespace

HelperResult notAMap(const HelperCall &call, unsigned index) {
  return HelperResult::failed(std::string(helperName(static_cast<std::uint32_t>(call.id))) + ": r" +
                              std::to_string(index + 1) +
                              " is not a map of this run (or not one of the type it needs)");
}

Runtime::Runtime(std::shared_ptr<MapEnvironment> environment, SimulatedSystem system)
    : maps(std::move(environment)), machine(std::move(system)), clock(machine.bootTimeNs),
      random(static_cast<std::uint32_t>(machine.randomSeed)) {}

std::size_t Runtime::addMap(std::shared_ptr<Map> map) {
  objectMaps.push_back(std::move(map));
  return objectMaps.size() - 1;
}

Map *Runtime::mapAt(std::size_t index) const {
  return index < objectMaps.size() ? objectMaps[index].get() : nullptr;
}

std::shared_ptr<Map> Runtime::sharedMapAt(std::size_t index) const {
  return index < objectMaps.size() ? objectMaps[index] : nullptr;
}

Map *Runtime::mapAtAddress(std::uint64_t address, const Invocation &invocation) const {
  for (const std::shared_ptr<Map> &map : objectMaps)
    if (reinterpret_cast<std::uintptr_t>(map.get()) == address)
      return map.get();
  for (const Map *inner : invocation.innerMaps)
    if (reinterpret_cast<std::uintptr_t>(inner) == address)
      return const_cast<Map *>(inner);
  return nullptr;
}

std::uint64_t Runtime::readClock() {
  const std::uint64_t now = clock;
  clock += machine.clockStepNs;
  return now;
}

std::uint32_t Runtime::nextRandom() {
  return static_cast<std::uint32_t>(random());
}

HelperResult Runtime::callHelper(HelperId id, const std::array<std::uint64_t, 5> &arguments,
                                 Invocation &invocation, ProgramHost &host) {
  const auto index = static_cast<std::uint32_t>(id);
  const HelperFunction function = index < helperIdLimit ? helperFunctions[index] : nullptr;
  if (!function)
    return HelperResult::notProvided("bpfcheck's runtime does not implement " +
                                     std::string(helperName(static_cast<std::uint32_t>(id))) +
                                     " yet");
  return function(HelperCall{id, arguments, *this, invocation, host});
}

} // namespace bpfcheck::runtime
