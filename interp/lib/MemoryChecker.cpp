// Explaining a refused access: which region it touched, or the nearest one.
#include "MemoryChecker.h"

#include <string>

namespace bpfcheck::interp {

MemoryRegion MemoryChecker::frameRegion(std::uint32_t frame) const {
  MemoryRegion region;
  region.address = stackTop - (frame + 1) * StackFrameSize;
  region.size = StackFrameSize;
  region.writable = true;
  region.kind = RegionKind::Stack;
  region.label = "frame " + std::to_string(frame);
  return region;
}

MemoryViolation MemoryChecker::diagnose(std::uintptr_t address, std::uint32_t size,
                                        AccessKind access) const {
  MemoryViolation violation;
  violation.address = address;
  violation.size = size;
  violation.access = access;
  const std::uint32_t liveFrames = std::uint32_t((stackTop - liveStackLow) / StackFrameSize);

  if (address >= stackBase && address < stackTop) {
    const auto frame = std::uint32_t((stackTop - 1 - address) / StackFrameSize);
    violation.region = frameRegion(frame).describe();
    if (address < liveStackLow) {
      violation.reason = ViolationReason::DeadStackFrame;
    } else {
      const std::uintptr_t last = address + size - 1;
      violation.reason =
          last >= stackTop ? ViolationReason::PastRegionBounds : ViolationReason::AcrossStackFrames;
    }
    return violation;
  }
  // Just above the main frame, or reaching into the stack from below: name the frame.
  for (std::uint32_t frame = 0; frame < liveFrames; ++frame) {
    const MemoryRegion region = frameRegion(frame);
    if (region.overlaps(address, size)) {
      violation.reason = ViolationReason::PastRegionBounds;
      violation.region = region.describe();
      return violation;
    }
  }
  for (const MemoryRegion &region : regions) {
    if (region.contains(address, size) && access != AccessKind::Read && !region.writable) {
      violation.reason = ViolationReason::ReadOnlyRegion;
      violation.region = region.describe();
      return violation;
    }
  }
  for (const MemoryRegion &region : regions) {
    if (region.overlaps(address, size)) {
      violation.reason = ViolationReason::PastRegionBounds;
      violation.region = region.describe();
      return violation;
    }
  }
  violation.reason = ViolationReason::OutsideEveryRegion;
  if (address >= stackTop && address - stackTop < StackFrameSize)
    violation.region = frameRegion(0).describe(); // just above r10 of the main frame
  return violation;
}

} // namespace bpfcheck::interp
