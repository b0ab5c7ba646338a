// Helper function prototypes of Linux 6.18: what each helper takes (the kernel's
// `enum bpf_arg_type` with its flags) and returns, whether it is GPL-only, whether it may
// move packet data, and whether it acquires or releases a reference. The rows live in
// lib/HelperPrototypes.cpp; which program types may call a helper is in HelperAvailability.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace bpfcheck {

enum class HelperId : std::uint32_t {
#define HELPER_ID(Name, id, text) Name = id,
#include "bpfcheck/platform/HelperIds.def"
};

/// What an argument register must hold (`enum bpf_arg_type` without its flags).
enum class ArgKind : std::uint8_t {
  None,                    ///< ARG_DONTCARE: unused argument
  Anything,                ///< ARG_ANYTHING: any initialised value
  ConstMapPtr,             ///< ARG_CONST_MAP_PTR
  MapKey,                  ///< ARG_PTR_TO_MAP_KEY: key_size readable bytes
  MapValue,                ///< ARG_PTR_TO_MAP_VALUE: value_size bytes
  Memory,                  ///< ARG_PTR_TO_MEM: size in the next argument (or fixed)
  Arena,                   ///< ARG_PTR_TO_ARENA
  ConstSize,               ///< ARG_CONST_SIZE: the size of the previous Memory argument, > 0
  ConstSizeOrZero,         ///< ARG_CONST_SIZE_OR_ZERO
  Context,                 ///< ARG_PTR_TO_CTX
  SpinLock,                ///< ARG_PTR_TO_SPIN_LOCK
  SockCommon,              ///< ARG_PTR_TO_SOCK_COMMON
  Socket,                  ///< ARG_PTR_TO_SOCKET
  BtfId,                   ///< ARG_PTR_TO_BTF_ID: a kernel object of `btfType`
  RingbufMemory,           ///< ARG_PTR_TO_RINGBUF_MEM: a bpf_ringbuf_reserve record
  ConstAllocSizeOrZero,    ///< ARG_CONST_ALLOC_SIZE_OR_ZERO: the size of returned memory
  BtfIdSockCommon,         ///< ARG_PTR_TO_BTF_ID_SOCK_COMMON
  PerCpuBtfId,             ///< ARG_PTR_TO_PERCPU_BTF_ID
  Function,                ///< ARG_PTR_TO_FUNC: a callback
  Stack,                   ///< ARG_PTR_TO_STACK
  ConstString,             ///< ARG_PTR_TO_CONST_STR: a NUL-terminated read-only map string
  Timer,                   ///< ARG_PTR_TO_TIMER
  KptrExchangeDestination, ///< ARG_KPTR_XCHG_DEST
  Dynptr,                  ///< ARG_PTR_TO_DYNPTR
};

/// Modifiers of an argument (`enum bpf_type_flag` bits that apply to arguments).
enum ArgFlag : std::uint32_t {
  MaybeNull = 1u << 0,     ///< PTR_MAYBE_NULL: NULL is accepted
  ReadOnly = 1u << 1,      ///< MEM_RDONLY: the helper only reads the memory
  Uninit = 1u << 2,        ///< MEM_UNINIT: the helper writes it; it need not be initialised
  Write = 1u << 3,         ///< MEM_WRITE: the helper writes it
  FixedSize = 1u << 4,     ///< MEM_FIXED_SIZE: `size` bytes, no size argument
  Release = 1u << 5,       ///< OBJ_RELEASE: the helper releases the reference passed here
  Aligned = 1u << 6,       ///< MEM_ALIGNED
  DynptrLocal = 1u << 7,   ///< DYNPTR_TYPE_LOCAL
  DynptrRingbuf = 1u << 8, ///< DYNPTR_TYPE_RINGBUF
  Percpu = 1u << 9,        ///< MEM_PERCPU
  Alloc = 1u << 10,        ///< MEM_ALLOC
};

struct HelperArg {
  ArgKind kind = ArgKind::None;
  std::uint32_t flags = 0;
  std::uint32_t size = 0;        ///< bytes, with FixedSize
  std::string_view btfType = {}; ///< struct name for BtfId arguments ("task_struct")

  /// Whether the helper writes the memory this argument points to (MEM_UNINIT, MEM_WRITE);
  /// otherwise it only reads it.
  constexpr bool writesMemory() const { return (flags & (Uninit | Write)) != 0; }
};

/// What a helper returns (`enum bpf_return_type` without its flags).
enum class ReturnKind : std::uint8_t {
  Integer,       ///< RET_INTEGER: a scalar (range below)
  Void,          ///< RET_VOID
  MapValue,      ///< RET_PTR_TO_MAP_VALUE: a value of the map in the first argument
  Socket,        ///< RET_PTR_TO_SOCKET
  TcpSock,       ///< RET_PTR_TO_TCP_SOCK
  SockCommon,    ///< RET_PTR_TO_SOCK_COMMON
  Memory,        ///< RET_PTR_TO_MEM: size from `sizeArgument` (or `size`)
  MemoryOrBtfId, ///< RET_PTR_TO_MEM_OR_BTF_ID (per-cpu / ksym variables)
  BtfId,         ///< RET_PTR_TO_BTF_ID: a kernel object of `btfType`
  RingbufMemory, ///< RET_PTR_TO_RINGBUF_MEM_OR_NULL's memory
  DynptrMemory,  ///< RET_PTR_TO_DYNPTR_MEM_OR_NULL's memory
};

/// Where an Integer return's upper bound comes from (the kernel's do_refine_retval_range).
enum class ReturnBound : std::uint8_t {
  Fixed,        ///< `maximum` as written (none: unbounded)
  SizeArgument, ///< at most the largest value of argument `sizeArgument` (umax of the size)
  LastCpu,      ///< at most nr_cpu_ids - 1: the target machine's last possible CPU id
};

/// Modifiers of a return value.
enum ReturnFlag : std::uint32_t {
  ReturnMaybeNull = 1u << 0, ///< PTR_MAYBE_NULL
  ReturnReadOnly = 1u << 1,  ///< MEM_RDONLY
  ReturnTrusted = 1u << 2,   ///< PTR_TRUSTED
  ReturnUntrusted = 1u << 3, ///< PTR_UNTRUSTED
  ReturnPercpu = 1u << 4,    ///< MEM_PERCPU
};

struct HelperReturn {
  ReturnKind kind = ReturnKind::Integer;
  std::uint32_t flags = 0;
  std::string_view btfType = {}; ///< for BtfId returns
  /// Memory, RingbufMemory, DynptrMemory: the argument (1-5) giving its size; Integer with
  /// ReturnBound::SizeArgument: the argument whose largest value bounds the result.
  std::optional<std::uint8_t> sizeArgument;
  std::uint32_t size = 0; ///< Memory of a fixed size
  /// For Integer returns: the range the verifier may assume (the kernel refines a few,
  /// e.g. bpf_get_smp_processor_id, the *_str and get_stack helpers); none = any value.
  std::optional<std::int64_t> minimum;
  std::optional<std::int64_t> maximum;
  ReturnBound bound = ReturnBound::Fixed;
};

/// Whether and how a helper calls back into the program (the kernel's
/// is_sync_callback_calling_function / is_async_callback_calling_function).
enum class HelperCallback : std::uint8_t {
  None,
  Synchronous,  ///< called before the helper returns (bpf_loop, bpf_for_each_map_elem, ...)
  Asynchronous, ///< called later, in another context (bpf_timer_set_callback)
};

struct HelperPrototype {
  HelperId id;
  std::string_view name; ///< "bpf_map_lookup_elem"
  HelperReturn returns;
  std::array<HelperArg, 5> args;
  bool gplOnly = false;
  /// Invalidates packet pointers (bpf_helper_changes_pkt_data). For bpf_tail_call only when
  /// called from a subprogram: check_helper_call skips it in the main program.
  bool changesPacketData = false;
  bool acquiresReference = false; ///< the returned pointer carries a reference to release
  bool mightSleep = false;        ///< only for sleepable programs
  /// pkt_access: packet pointers may be passed as memory arguments; without it the verifier
  /// refuses them ("helper access to the packet is not allowed", may_access_direct_pkt_data).
  bool packetAccess = false;
  bool allowFastcall = false; ///< allow_fastcall: follows the bpf_fastcall register contract
  /// map_lookup_elem on a SOCKMAP or SOCKHASH returns a referenced socket
  /// (is_acquire_function's map-dependent case).
  bool acquiresOnSocketMaps = false;
  /// The returned pointer carries the reference of its argument rather than a new one
  /// (is_ptr_cast_function: bpf_tcp_sock, bpf_skc_to_*; is_dynptr_ref_function).
  bool inheritsReference = false;
  HelperCallback callback = HelperCallback::None;
};

/// A second prototype the kernel gives the same helper in some program types, where it
/// differs from the row of allHelpers() in a way a verifier must know (argument kinds,
/// GPL, sleeping). Which program types get it is said in `usedBy` and decided by the
/// kernel's get_func_proto functions (HelperAvailability.h); same-shaped variants (the tc,
/// XDP and sock_addr bpf_sk_lookup_tcp, the per-context bpf_perf_event_output, ...) are
/// not listed.
struct HelperVariant {
  std::string_view kernelName; ///< its struct bpf_func_proto ("bpf_get_stackid_proto_pe")
  std::string_view usedBy;     ///< the program types (and conditions) that get it
  HelperPrototype prototype;
};

/// The prototype of a helper, if Linux 6.18 defines one for this id.
const HelperPrototype *findHelper(HelperId id);
const HelperPrototype *findHelper(std::uint32_t id);
/// Every prototype, in id order.
std::span<const HelperPrototype> allHelpers();
/// "bpf_map_lookup_elem" for an id, "" if unknown.
std::string_view helperName(std::uint32_t id);
/// The variant prototypes of a helper (empty for most helpers).
std::span<const HelperVariant> helperVariants(HelperId id);
/// Every variant, grouped by helper id in id order.
std::span<const HelperVariant> allHelperVariants();

/// An argument the verifier requires to be the constant 0 beyond its prototype (the special
/// cases of check_helper_call, e.g. bpf_get_local_storage's flags, which it cannot report
/// an error for), with the kernel's message.
struct RequiredZeroArgument {
  HelperId helper;
  std::uint8_t argument; ///< 1-5
  std::string_view message;
};
const RequiredZeroArgument *findRequiredZeroArgument(HelperId helper);

} // namespace bpfcheck
