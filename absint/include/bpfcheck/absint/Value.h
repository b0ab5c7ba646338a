// The abstract value of a register or spilled stack slot: uninitialised, a scalar (the
// reduced tnum + interval product of ScalarValue.h, with an identity shared by copies), or
// a pointer into a region with a fixed and a variable offset. Pointers carry the kernel's
// bookkeeping: a nullness/packet identity, an acquired-reference id, the packet range
// proven readable, the map or frame they point into.
#pragma once

#include "bpfcheck/absint/ScalarValue.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bpfcheck::absint {

enum class RegionKind : std::uint8_t {
#define REGION(Name, kernelName, description, arithmetic, helperMemory, socket, rewritten,         \
               atomics, packet, null, masked, runNull)                                             \
  Name,
#include "bpfcheck/absint/Regions.def"
};

/// What may be added to a pointer of a region (Regions.def).
enum class PointerArithmetic : std::uint8_t { Any, ConstantOnly, ZeroOnly, None };
/// Whether a region may be passed as memory to helpers and global functions.
enum class MemoryArgument : std::uint8_t { Yes, WithPacketAccess, No };
/// What the kernel knows of NULL for a pointer of a region not marked maybe-NULL.
enum class KernelNullness : std::uint8_t { Unknown, NotNull, NotNullIfTrusted };

/// The verifier log's name of the region ("pkt", "map_value").
std::string_view kernelNameOf(RegionKind region);
/// A plain description ("packet data").
std::string_view descriptionOf(RegionKind region);
PointerArithmetic arithmeticOn(RegionKind region);
/// Whether memory there may be passed to a helper (`packetAccess`: the helper takes packet
/// pointers) or a global function.
bool acceptsAsMemory(RegionKind region, bool packetAccess);
/// A socket kind (sock, sock_common, tcp_sock, xdp_sock).
bool isSocket(RegionKind region);
/// The kernel struct a socket kind points to ("tcp_sock"); empty for other kinds.
std::string_view socketStructOf(RegionKind region);
/// Whether the kernel rewrites accesses through such pointers per instruction.
bool accessesAreRewritten(RegionKind region);
/// Whether atomic operations may act on it.
bool allowsAtomics(RegionKind region);
/// A packet pointer: packet data, packet metadata or the packet's end.
bool isPacketPointer(RegionKind region);
/// Whether adding a register to such a pointer can be masked against speculation (stack,
/// map value), which loaders without CAP_BPF need.
bool speculationMasked(RegionKind region);
/// Whether a pointer of the region not marked maybe-NULL may still be NULL at run time.
bool mayBeNullAtRun(RegionKind region);

/// How far a BTF-typed kernel pointer may be trusted: PTR_TRUSTED, MEM_RCU (valid while the
/// RCU read section lasts, which is the whole run of a program that cannot sleep),
/// PTR_UNTRUSTED, or none of these (the kernel's legacy plain PTR_TO_BTF_ID).
enum class Trust : std::uint8_t { Plain, Trusted, Rcu, Untrusted };

Scalar unknownScalar();
Scalar constantScalar(std::uint64_t value);
/// A scalar known to fit in `bytes` bytes (a zero-extended load).
Scalar scalarOfBytes(unsigned bytes);
/// Whether the scalar is one known value.
bool isConstant(const Scalar &s);
/// The scalar with the values of `s` as signed 64-bit bounds, for messages.
std::string describe(const Scalar &s);

struct PointerValue {
  RegionKind region = RegionKind::Context;
  bool maybeNull = false;
  bool readOnly = false; ///< MEM_RDONLY: the memory may not be written
  Trust trust = Trust::Plain;
  /// The offset from the region's start (for the stack: from the frame's top, negative),
  /// split as the kernel does into a constant part and a variable part.
  std::int64_t fixedOffset = 0;
  Scalar variableOffset = constantScalar(0);
  /// Copies of a pointer share `id`: a null check on one refines every copy; packet
  /// pointers with the same id share their proven range.
  std::uint32_t id = 0;
  std::uint32_t referenceId = 0; ///< the acquired reference it holds (0: none)
  std::uint32_t frame = 0;       ///< Stack: the frame's depth (0: main)
  std::uint32_t map = 0;         ///< MapPointer, MapValue, MapKey: index into the maps
  std::uint32_t size = 0;        ///< Memory, RingbufRecord, MapKey: accessible bytes
  std::uint32_t packetRange = 0; ///< Packet: bytes proven inside the packet from id's origin
  std::uint32_t function = 0;    ///< Function: instruction index of its entry
  std::string_view btfType = {}; ///< BtfObject: the kernel struct ("task_struct")
};

/// Whether the pointer points exactly at its region's start (offset 0, nothing variable).
bool pointsToStart(const PointerValue &pointer);
/// The pointer's offset from its region's start when it is one known number.
std::optional<std::int64_t> constantOffset(const PointerValue &pointer);
/// Whether the kernel knows the pointer is not NULL (reg_not_null), so that a test of it
/// against 0 is decided.
bool kernelKnowsNotNull(const PointerValue &pointer);

enum class ValueKind : std::uint8_t { Uninitialized, Scalar, Pointer };

struct RegisterValue {
  ValueKind kind = ValueKind::Uninitialized;
  Scalar scalar = unknownScalar();
  std::uint32_t id = 0; ///< Scalar: copies share it, so a bound learnt on one holds for all
  /// Scalar with an identity: the value is the identity's common base plus this constant
  /// (`r2 = r1; r2 += 4` links r2 to r1 with delta 4, the kernel's linked registers).
  std::int64_t idDelta = 0;
  PointerValue pointer;
  /// Not a pointer any more: the reference this value held until the program released it
  /// (for diagnostics only; 0: none).
  std::uint32_t releasedReference = 0;

  static RegisterValue uninitialized() { return {}; }
  static RegisterValue ofScalar(const Scalar &s, std::uint32_t id = 0) {
    RegisterValue v;
    v.kind = ValueKind::Scalar;
    v.scalar = s;
    v.id = id;
    return v;
  }
  static RegisterValue unknown() { return ofScalar(unknownScalar()); }
  static RegisterValue constant(std::uint64_t value) { return ofScalar(constantScalar(value)); }
  static RegisterValue ofPointer(const PointerValue &p) {
    RegisterValue v;
    v.kind = ValueKind::Pointer;
    v.pointer = p;
    return v;
  }
  bool isScalar() const { return kind == ValueKind::Scalar; }
  bool isPointer() const { return kind == ValueKind::Pointer; }
  bool isPointerTo(RegionKind region) const { return isPointer() && pointer.region == region; }
  /// A scalar known to be 0 (the null pointer).
  bool isNull() const;
};

/// The kernel's spelling of a register's type ("scalar", "map_value_or_null", "fp").
std::string typeName(const RegisterValue &value);
/// The kernel-log style description of a value ("pkt(id=0,off=14,r=14)", "scalar(umax=255)").
std::string describe(const RegisterValue &value);

} // namespace bpfcheck::absint
