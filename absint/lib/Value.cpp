// Constructors and kernel-log style descriptions of abstract values.

#include "bpfcheck/absint/Value.h"
#include "bpfcheck/ir/Hex.h"

#include <cstdio>
#include <limits>

namespace bpfcheck::absint {

namespace {

struct RegionRow {
  std::string_view kernelName;
  std::string_view description;
  PointerArithmetic arithmetic;
  MemoryArgument helperMemory;
  std::string_view socketStruct;
  bool rewritten;
  bool atomics;
  bool packet;
  KernelNullness null;
  bool masked;
  bool runNull;
};

using enum PointerArithmetic;
using enum MemoryArgument;
using enum KernelNullness;

constexpr RegionRow regionRows[] = {
#define REGION(Name, kernelName, description, arithmetic, helperMemory, socket, rewritten,         \
               atomics, packet, null, masked, runNull)                                             \
  {kernelName, description, arithmetic, helperMemory, socket, rewritten,                           \
   atomics,    packet,      null,       masked,       runNull},
#include "bpfcheck/absint/Regions.def"
};

const RegionRow &rowOf(RegionKind region) {
  return regionRows[static_cast<unsigned>(region)];
}

} // namespace

std::string_view kernelNameOf(RegionKind region) {
  return rowOf(region).kernelName;
}
std::string_view descriptionOf(RegionKind region) {
  return rowOf(region).description;
}
PointerArithmetic arithmeticOn(RegionKind region) {
  return rowOf(region).arithmetic;
}
bool acceptsAsMemory(RegionKind region, bool packetAccess) {
  const MemoryArgument memory = rowOf(region).helperMemory;
  return memory == MemoryArgument::Yes ||
         (memory == MemoryArgument::WithPacketAccess && packetAccess);
}
bool isSocket(RegionKind region) {
  return !rowOf(region).socketStruct.empty();
}
std::string_view socketStructOf(RegionKind region) {
  return rowOf(region).socketStruct;
}
bool accessesAreRewritten(RegionKind region) {
  return rowOf(region).rewritten;
}
bool allowsAtomics(RegionKind region) {
  return rowOf(region).atomics;
}
bool isPacketPointer(RegionKind region) {
  return rowOf(region).packet;
}
bool kernelKnowsNotNull(const PointerValue &pointer) {
  const KernelNullness null = rowOf(pointer.region).null;
  return !pointer.maybeNull &&
         (null == NotNull || (null == NotNullIfTrusted && pointer.trust == Trust::Trusted));
}
bool speculationMasked(RegionKind region) {
  return rowOf(region).masked;
}
bool mayBeNullAtRun(RegionKind region) {
  return rowOf(region).runNull;
}

Scalar unknownScalar() {
  return Scalar::unknown(BitWord<64>(0));
}
Scalar constantScalar(std::uint64_t value) {
  return Scalar::constant(BitWord<64>(value));
}
Scalar scalarOfBytes(unsigned bytes) {
  if (bytes >= 8)
    return unknownScalar();
  Scalar s = unknownScalar();
  const std::uint64_t maximum = (std::uint64_t(1) << (8 * bytes)) - 1;
  s.unsigned64 = {BitWord<64>(0), BitWord<64>(maximum)};
  return scalarReduce(s);
}
bool isConstant(const Scalar &s) {
  return s.bits.mask.bits == 0;
}

bool pointsToStart(const PointerValue &pointer) {
  return pointer.fixedOffset == 0 && isConstant(pointer.variableOffset) &&
         pointer.variableOffset.bits.value.bits == 0;
}

std::optional<std::int64_t> constantOffset(const PointerValue &pointer) {
  if (!isConstant(pointer.variableOffset))
    return std::nullopt;
  return pointer.fixedOffset + static_cast<std::int64_t>(pointer.variableOffset.bits.value.bits);
}

bool RegisterValue::isNull() const {
  return isScalar() && isConstant(scalar) && scalar.bits.value.bits == 0;
}

std::string describe(const Scalar &s) {
  if (isConstant(s))
    return std::to_string(static_cast<std::int64_t>(s.bits.value.bits));
  std::string text;
  auto field = [&](const char *name, std::string value) {
    if (!text.empty())
      text += ',';
    text += name;
    text += '=';
    text += value;
  };
  const std::int64_t smin = asSigned(s.signed64.minimum);
  const std::int64_t smax = asSigned(s.signed64.maximum);
  const std::uint64_t umin = s.unsigned64.minimum.bits;
  const std::uint64_t umax = s.unsigned64.maximum.bits;
  if (smin != std::numeric_limits<std::int64_t>::min() && static_cast<std::uint64_t>(smin) != umin)
    field("smin", std::to_string(smin));
  if (smax != std::numeric_limits<std::int64_t>::max() && static_cast<std::uint64_t>(smax) != umax)
    field("smax", std::to_string(smax));
  if (umin != 0)
    field("umin", std::to_string(umin));
  if (umax != ~std::uint64_t(0))
    field("umax", std::to_string(umax));
  if (s.bits.mask.bits != ~std::uint64_t(0))
    field("var_off", "(" + hexNumber(s.bits.value.bits) + "; " + hexNumber(s.bits.mask.bits) + ")");
  return text;
}

std::string typeName(const RegisterValue &value) {
  switch (value.kind) {
  case ValueKind::Uninitialized:
    return "uninitialized";
  case ValueKind::Scalar:
    return "scalar";
  case ValueKind::Pointer:
    break;
  }
  const PointerValue &p = value.pointer;
  std::string name;
  if (p.readOnly && p.region == RegionKind::Memory)
    name = "rdonly_";
  if (p.region == RegionKind::BtfObject)
    name += p.trust == Trust::Trusted     ? "trusted_"
            : p.trust == Trust::Rcu       ? "rcu_"
            : p.trust == Trust::Untrusted ? "untrusted_"
                                          : "";
  name += kernelNameOf(p.region);
  if (p.maybeNull)
    name += p.region == RegionKind::BtfObject ? "or_null_" : "_or_null";
  if (p.region == RegionKind::BtfObject)
    name += std::string(p.btfType);
  return name;
}

std::string describe(const RegisterValue &value) {
  if (!value.isPointer()) {
    if (value.isScalar()) {
      const std::string bounds = describe(value.scalar);
      return isConstant(value.scalar) ? bounds : "scalar(" + bounds + ")";
    }
    return "uninitialized";
  }
  const PointerValue &p = value.pointer;
  std::string text = typeName(value) + "(";
  std::string fields;
  auto field = [&](const std::string &part) {
    if (!fields.empty())
      fields += ',';
    fields += part;
  };
  if (p.id != 0 || p.region == RegionKind::Packet)
    field("id=" + std::to_string(p.id));
  if (p.referenceId != 0)
    field("ref_obj_id=" + std::to_string(p.referenceId));
  field("off=" + std::to_string(p.fixedOffset));
  if (!isConstant(p.variableOffset) || p.variableOffset.bits.value.bits != 0)
    field(describe(p.variableOffset));
  if (p.region == RegionKind::Packet || p.region == RegionKind::PacketMeta)
    field("r=" + std::to_string(p.packetRange));
  if (p.region == RegionKind::Memory || p.region == RegionKind::RingbufRecord ||
      p.region == RegionKind::MapKey)
    field("size=" + std::to_string(p.size));
  if (p.region == RegionKind::Stack && p.frame != 0)
    field("frame=" + std::to_string(p.frame));
  return text + fields + ")";
}

} // namespace bpfcheck::absint
