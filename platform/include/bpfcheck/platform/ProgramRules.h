// Program-type facts the verifier needs besides contexts and helpers: which program types
// may access packet data directly (and write it), which may use the legacy LD_ABS/LD_IND
// packet loads, and which licence strings the kernel counts as GPL-compatible. Rows in
// lib/ProgramRules.cpp.
#pragma once

#include "bpfcheck/platform/Types.h"

#include <optional>
#include <string_view>

namespace bpfcheck {

/// Direct packet access of one program type (the kernel's may_access_direct_pkt_data).
struct PacketAccessRule {
  ProgramType type;
  bool read;
  bool write;
};

/// How a program type may touch packet data through packet pointers; {type, false, false}
/// for types that may not.
PacketAccessRule packetAccessOf(ProgramType type);

/// Whether LD_ABS / LD_IND may be used (may_access_skb).
bool legacyPacketLoadsAllowed(ProgramType type);

/// Whether the kernel marks the BTF-typed context arguments of a program trusted
/// (prog_args_trusted: tp_btf, iterators, struct_ops; LSM hooks mostly).
bool contextArgumentsTrusted(ProgramType type, std::optional<AttachType> attach);

/// Whether a struct-pointer context argument may be NULL (iterators: every object argument
/// after the `meta` one is NULL at the end of the iteration).
bool contextArgumentMayBeNull(ProgramType type, std::optional<AttachType> attach,
                              unsigned argument);

/// Whether the kernel treats a program's licence as GPL-compatible (license_is_gpl_compatible).
bool licenseIsGplCompatible(std::string_view license);

} // namespace bpfcheck
