// The context a program of Linux 6.18 receives in r1, as the verifier sees it: for each
// program type (and, where the rules differ, each expected attach type) the uapi struct, every
// field's offset and extent, which load and store widths the kernel permits there, and what a
// load yields (a scalar, a packet pointer, a socket, ...). These are the facts of the kernel's
// `*_is_valid_access` functions (net/core/filter.c, kernel/trace/bpf_trace.c,
// kernel/bpf/cgroup.c, net/netfilter/nf_bpf_link.c, kernel/bpf/btf.c), kept as rows in
// lib/ContextLayouts*.cpp. Also here: the return values the verifier allows per program type
// (`check_return_code` in kernel/bpf/verifier.c), rows in lib/ReturnRanges.cpp.
#pragma once

#include "bpfcheck/platform/Types.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace bpfcheck {

/// A set of access widths; a width's bit is the width itself (1, 2, 4, 8 bytes).
using SizeMask = std::uint8_t;
inline constexpr SizeMask Size1 = 1;
inline constexpr SizeMask Size2 = 2;
inline constexpr SizeMask Size4 = 4;
inline constexpr SizeMask Size8 = 8;
inline constexpr SizeMask UpTo4 = Size1 | Size2 | Size4; ///< narrow loads of a u32
inline constexpr SizeMask AnySize = Size1 | Size2 | Size4 | Size8;

/// Whether `size` is one of 1, 2, 4, 8 and in `mask`.
constexpr bool sizeIn(SizeMask mask, std::uint32_t size) {
  return (size == 1 || size == 2 || size == 4 || size == 8) && (mask & size) != 0;
}

/// A set of expected attach types (bit = the kernel's `enum bpf_attach_type` value); 0 = any.
using AttachMask = std::uint64_t;

constexpr AttachMask attachBit(AttachType type) {
  return AttachMask{1} << static_cast<std::uint32_t>(type);
}
constexpr AttachMask attachMask(std::initializer_list<AttachType> types) {
  AttachMask mask = 0;
  for (AttachType type : types)
    mask |= attachBit(type);
  return mask;
}
/// Whether `attach` is in `mask`; an empty mask admits everything, no attach type nothing else.
constexpr bool attachIn(AttachMask mask, std::optional<AttachType> attach) {
  return mask == 0 || (attach && (mask & attachBit(*attach)) != 0);
}

/// What a context load puts in its destination register (the kernel's `info->reg_type`).
enum class ContextValue : std::uint8_t {
  Scalar,           ///< SCALAR_VALUE
  PacketStart,      ///< PTR_TO_PACKET (also bpf_sockopt->optval)
  PacketEnd,        ///< PTR_TO_PACKET_END
  PacketMeta,       ///< PTR_TO_PACKET_META
  Socket,           ///< PTR_TO_SOCKET
  SocketOrNull,     ///< PTR_TO_SOCKET_OR_NULL
  SockCommonOrNull, ///< PTR_TO_SOCK_COMMON_OR_NULL
  FlowKeys,         ///< PTR_TO_FLOW_KEYS
  TcpSock,          ///< PTR_TO_TCP_SOCK (what bpf_tcp_sock returns; no context field yields it)
  TracepointBuffer, ///< PTR_TO_TP_BUFFER (raw_tracepoint.w args[0])
  BtfObject,        ///< PTR_TO_BTF_ID | PTR_TRUSTED of the field's `btfType` (netfilter)
  /// A tracing/LSM/struct_ops pointer argument (PTR_TO_BTF_ID of its pointee, a scalar for
  /// void and int pointees, a buffer for some iterator arguments), or any argument when the
  /// caller gave no BTF.
  BtfArgument,
};

/// The verifier log's spelling of the register type ("pkt", "sock_or_null", "trusted_ptr_").
std::string_view nameOf(ContextValue value);

/// A capability an access needs beyond loading the program (we load as root: CAP_BPF held).
enum class Privilege : std::uint8_t {
  None,
  CapBpf, ///< bpf_token_capable(CAP_BPF), e.g. cgroup_skb packet access
};

/// One row of a context layout: the accesses that start at offsets [offset, offset + span).
/// An access must be aligned to its width (unless `anyAlignment`), use a width the row
/// permits, and (unless `mayOverrun`) end inside the row. Loads narrower than `width` are
/// narrow loads: they give the addressed bytes of the element (the kernel converts most into a
/// full-width load followed by a shift and mask).
struct ContextField {
  std::string_view name; ///< uapi member ("cb", "user_ip6", "args[1..3]", "(padding)")
  std::uint16_t offset;  ///< first byte
  std::uint16_t span;    ///< bytes covered by the row
  std::uint8_t width;    ///< width of one element of the member (a narrow load is narrower)
  SizeMask readSizes;    ///< load widths permitted; 0 = not readable
  SizeMask writeSizes;   ///< store widths permitted; 0 = not writable
  ContextValue yields = ContextValue::Scalar; ///< what a permitted load gives
  bool mayOverrun = false;          ///< a load starting here may end past the row (u32 of a be16)
  bool refusesSignExtend = false;   ///< BPF_MEMSX loads refused (`info->is_ldsx`)
  bool anyAlignment = false;        ///< accesses need not be aligned to their width
  bool narrowAtStartOnly = false;   ///< narrow loads only at `offset` (the kernel's exact `case`)
  AttachMask readAttach = 0;        ///< attach types that may read it; 0 = all
  AttachMask writeAttach = 0;       ///< attach types that may write it; 0 = all
  std::string_view attachNote = {}; ///< completes "... is only available on ..." ("the *6 hooks")
  Privilege readPrivilege = Privilege::None;
  Privilege writePrivilege = Privilege::None;
  std::string_view btfType = {}; ///< for BtfObject: the kernel struct it points to
  std::string_view note = {};    ///< why the row is as it is, when not obvious
};

/// How a program type's context is described.
enum class LayoutKind : std::uint8_t {
  Fields,          ///< a fixed struct, described by `fields`
  BtfArguments,    ///< u64 args, count and types from the attach target's BTF (btf_ctx_access)
  ReplacedProgram, ///< freplace: the rules of the program it replaces
};

/// A member of the uapi struct that no row names, and why.
struct LeftOutMember {
  std::string_view name;
  std::string_view reason;
};

/// The context of one program type under some expected attach types.
struct ContextLayout {
  ProgramType type;
  AttachMask attach; ///< the expected attach types this layout is for; 0 = all
  LayoutKind kind;
  std::string_view structName; ///< "__sk_buff"; for rule-based contexts a description
  bool inKernelBtf;            ///< structName is a vmlinux BTF struct whose members the rows follow
  std::uint32_t size;          ///< accesses start below this offset
  std::span<const ContextField> fields;
  std::span<const LeftOutMember> leftOut;
  std::string_view rule; ///< the kernel function, and the rule in one line
};

/// What the attach target's BTF says, for LayoutKind::BtfArguments contexts.
struct BtfArguments {
  std::uint8_t count = 0;        ///< arguments (btf_trace_*: without the leading `void *__data`)
  std::uint16_t pointerMask = 0; ///< bit i: argument i is a pointer (8-byte loads only)
  bool returnsValue = false;     ///< non-void return: fexit/fmod_ret/LSM may read slot `count`
  bool returnIsPointer = false;
};

/// The rest of what decides an access besides type, attach type, offset, width and direction.
struct ContextAccessOptions {
  bool signExtended = false; ///< a BPF_MEMSX load
  bool capBpf = true;        ///< the loader holds CAP_BPF
  /// For BTF-typed contexts; none = any of the 12 slots, of unknown type.
  std::optional<BtfArguments> btfArguments;
};

/// The verdict on one context access.
struct ContextAccess {
  bool allowed = false;
  std::string reason;                         ///< why not, when refused
  ContextValue yields = ContextValue::Scalar; ///< what a permitted load gives
  bool narrow = false;                        ///< a load narrower than the field
  const ContextLayout *layout = nullptr;
  const ContextField *field = nullptr; ///< the row that decided, if any
  explicit operator bool() const { return allowed; }
};

/// Every context layout, grouped by program type.
std::span<const ContextLayout> allContextLayouts();

/// The attach type the kernel works with when a program is loaded with `attach`: the kernel
/// fills in a default for cgroup_sock (sock_create) and sk_reuseport (select).
std::optional<AttachType> effectiveAttachType(ProgramType type, std::optional<AttachType> attach);

/// The layout for a program type and expected attach type; null for unknown program types.
const ContextLayout *findContextLayout(ProgramType type, std::optional<AttachType> attach);

/// Whether a program of `type` may load (`write` false) or store `size` bytes at ctx + `offset`,
/// with the reason when not ("write to __sk_buff->len is not allowed") and, when it may, what
/// a load yields.
ContextAccess checkContextAccess(ProgramType type, std::optional<AttachType> attach,
                                 std::uint32_t offset, std::uint32_t size, bool write,
                                 const ContextAccessOptions &options = {});

/// The struct behind a pointer that a context load yields: bpf_sock behind Socket and
/// SocketOrNull (bpf_sock_is_valid_access), bpf_sock behind SockCommonOrNull
/// (bpf_sock_common_is_valid_access), bpf_flow_keys behind FlowKeys (check_flow_keys_access),
/// bpf_tcp_sock behind TcpSock (bpf_tcp_sock_is_valid_access).
/// Null for other values. Its `type` is Unspec.
const ContextLayout *pointeeLayout(ContextValue pointer);

/// Whether `size` bytes at `offset` of the object behind `pointer` may be read or written.
ContextAccess checkPointeeAccess(ContextValue pointer, std::uint32_t offset, std::uint32_t size,
                                 bool write);

// --- Return values -------------------------------------------------------------------------

/// A closed range of return values; the kernel compares the 64-bit signed value of r0 with
/// it, or only the low 32 bits read as signed when `lower32` (LSM hooks).
struct ReturnRange {
  std::int64_t minimum;
  std::int64_t maximum;
  bool lower32 = false;
  constexpr bool contains(std::int64_t value) const {
    const std::int64_t v = lower32 ? std::int64_t(std::int32_t(value)) : value;
    return minimum <= v && v <= maximum;
  }
};

/// What the program's attach target returns, where the return rule depends on it (LSM
/// hooks, struct_ops members).
enum class TargetReturn : std::uint8_t {
  Any,     ///< (in rules) whatever the target returns
  Value,   ///< an int or pointer
  Void,    ///< void
  Boolean, ///< an LSM hook in the kernel's bool_lsm_hooks set
};

/// How a return value outside `range` is treated.
enum class ReturnCheck : std::uint8_t {
  Rejected,  ///< the verifier refuses the program ("At program exit the register R0 ...")
  Unchecked, ///< the verifier accepts any scalar; `range` is the conventional set, if any
};

/// One row of the return-value rules.
struct ReturnRule {
  ProgramType type;
  AttachMask attach;   ///< attach types the row is for; 0 = every attach type not listed before
  TargetReturn target; ///< Any, or the target return kind the row is for
  ReturnCheck check;
  std::optional<ReturnRange> range; ///< allowed (Rejected) or conventional (Unchecked) values
  std::string_view note;
};

/// Every return-value rule; the first row matching type, attach type and target decides.
std::span<const ReturnRule> allReturnRules();

/// The row deciding the return value of a program's main function (null: unknown type).
const ReturnRule *findReturnRule(ProgramType type, std::optional<AttachType> attach,
                                 TargetReturn target = TargetReturn::Value);

/// The values the verifier allows r0 to hold at the main program's exit; nullopt = any value
/// (even a pointer, for a loader allowed to leak pointers; otherwise "R0 leaks addr as return
/// value").
std::optional<ReturnRange> allowedReturnRange(ProgramType type, std::optional<AttachType> attach,
                                              TargetReturn target = TargetReturn::Value);

} // namespace bpfcheck
