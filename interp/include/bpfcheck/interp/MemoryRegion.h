// The memory a program may touch, as checked mode sees it: regions of host memory with a
// kind, a size and whether they may be written, and the description of an access that
// lies in none of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bpfcheck::interp {

/// What a region is, for messages (the checks are the same for every kind).
enum class RegionKind : std::uint8_t {
  Stack,       ///< a live function frame's 512 bytes
  Context,     ///< the ctx r1 points to on entry
  Packet,      ///< packet data .. data_end
  Input,       ///< memory handed to the program by the caller (the conformance suite's mem)
  MapValue,    ///< a map value (from a lookup or a direct value reference)
  HelperMemory ///< other memory a helper returned
};
std::string_view regionKindName(RegionKind kind);

/// A range of host memory the program may access.
struct MemoryRegion {
  std::uintptr_t address = 0;
  std::size_t size = 0;
  bool writable = false;
  RegionKind kind = RegionKind::Input;
  std::string label; ///< optional, e.g. "value of map 'counters'"

  bool contains(std::uintptr_t begin, std::size_t length) const {
    return begin >= address && length <= size && begin - address <= size - length;
  }
  bool overlaps(std::uintptr_t begin, std::size_t length) const {
    return begin < address + size && address < begin + length;
  }
  /// "map value 'counters' [0x..., +64)"
  std::string describe() const;
};

/// How an instruction uses memory.
enum class AccessKind : std::uint8_t { Read, Write, ReadWrite /* atomics */ };
std::string_view accessKindName(AccessKind kind);

/// Why checked mode refused an access.
enum class ViolationReason : std::uint8_t {
  OutsideEveryRegion, ///< no live region holds any of its bytes
  PastRegionBounds,   ///< it starts or ends outside the region it overlaps
  ReadOnlyRegion,     ///< a write (or atomic) to a region that may only be read
  DeadStackFrame,     ///< in the stack, but below the live frames
  AcrossStackFrames,  ///< spans two frames' 512-byte areas
  Misaligned          ///< an atomic operation not aligned to its size
};
std::string_view violationReasonName(ViolationReason reason);

/// An access checked mode refused.
struct MemoryViolation {
  std::uintptr_t address = 0;
  std::uint32_t size = 0;
  AccessKind access = AccessKind::Read;
  ViolationReason reason = ViolationReason::OutsideEveryRegion;
  std::uint8_t baseRegister = 0; ///< the register the address was computed from
  std::int32_t offset = 0;       ///< the instruction's offset from it
  std::string region;            ///< the region involved (described), if any
};

} // namespace bpfcheck::interp
