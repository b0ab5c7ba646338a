// Checked mode's memory map: the live stack frames (current and callers, each only its own
// 512 bytes) and the regions of the run (ctx, packet, input memory, what helpers hand out);
// says whether an access lies inside one it may use and, if not, why.
#pragma once

#include "bpfcheck/interp/Limits.h"
#include "bpfcheck/interp/MemoryRegion.h"

#include <cstdint>
#include <vector>

namespace bpfcheck::interp {

class MemoryChecker {
public:
  /// The stack is [stackBase, stackTop); frame d owns the 512 bytes below stackTop - 512 * d.
  void reset(std::uintptr_t base, std::uintptr_t top) {
    stackBase = base;
    stackTop = top;
    regions.clear();
    setDepth(0);
  }
  /// Frames 0 .. depth are live.
  void setDepth(std::uint32_t depth) { liveStackLow = stackTop - (depth + 1) * StackFrameSize; }
  void add(MemoryRegion region) { regions.push_back(std::move(region)); }

  /// Whether `size` bytes at `address` may be used for `access`.
  bool allows(std::uintptr_t address, std::uint32_t size, AccessKind access) const {
    if (address >= liveStackLow && address < stackTop) {
      // Inside the live stack: the access must stay within one frame's 512 bytes.
      const std::uintptr_t last = address + size - 1;
      return last < stackTop &&
             (address - stackBase) / StackFrameSize == (last - stackBase) / StackFrameSize;
    }
    for (const MemoryRegion &region : regions)
      if (region.contains(address, size))
        return access == AccessKind::Read || region.writable;
    return false;
  }

  /// Why `allows` refused the access (its address, size and kind filled in).
  MemoryViolation diagnose(std::uintptr_t address, std::uint32_t size, AccessKind access) const;

private:
  std::uintptr_t stackBase = 0;
  std::uintptr_t stackTop = 0;
  std::uintptr_t liveStackLow = 0;
  std::vector<MemoryRegion> regions;

  MemoryRegion frameRegion(std::uint32_t frame) const;
};

} // namespace bpfcheck::interp
