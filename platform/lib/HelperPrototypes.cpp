// The helper prototypes of Linux 6.18, one row per `enum bpf_func_id`, each written from
// the kernel's `struct bpf_func_proto` that the most common program type gets (named in
// the row's comment with its source file). Sources: the Linux 6.12 tree, the 6.17 verifier
// and 6.18.y net/core/filter.c, the fixes since 6.12 named in the rows, and the running
// 6.18 kernel (its BTF for the enums; tests/platform/HelperProtoKernelTest.cpp probes each
// loadable helper's arguments, GPL and sleep flags, return, references and packet effects).
// Besides the prototypes, the rows carry what the verifier decides per helper id elsewhere:
//   changesPacketData   bpf_helper_changes_pkt_data() (net/core/filter.c)
//   acquiresReference   is_acquire_function() (kernel/bpf/verifier.c, as the rest)
//   inheritsReference   is_ptr_cast_function(), is_dynptr_ref_function()
//   callback            is_sync/async_callback_calling_function()
//   returns.minimum/maximum/bound   do_refine_retval_range()
#include "bpfcheck/platform/Helpers.h"

#include <algorithm>
#include <array>

namespace bpfcheck {
namespace {

// ---- Arguments (`enum bpf_arg_type` and its flags) ----

constexpr HelperArg arg(ArgKind kind, std::uint32_t flags = 0) {
  return HelperArg{kind, flags, 0, {}};
}
constexpr HelperArg anything = arg(ArgKind::Anything);                  // ARG_ANYTHING
constexpr HelperArg mapPointer = arg(ArgKind::ConstMapPtr);             // ARG_CONST_MAP_PTR
constexpr HelperArg mapKey = arg(ArgKind::MapKey);                      // ARG_PTR_TO_MAP_KEY
constexpr HelperArg mapValue = arg(ArgKind::MapValue);                  // ARG_PTR_TO_MAP_VALUE
constexpr HelperArg mapValueOrNull = arg(ArgKind::MapValue, MaybeNull); // ..._OR_NULL
constexpr HelperArg context = arg(ArgKind::Context);                    // ARG_PTR_TO_CTX
constexpr HelperArg contextOrNull = arg(ArgKind::Context, MaybeNull);   // ARG_PTR_TO_CTX_OR_NULL
constexpr HelperArg size = arg(ArgKind::ConstSize);                     // ARG_CONST_SIZE
constexpr HelperArg sizeOrZero = arg(ArgKind::ConstSizeOrZero);         // ARG_CONST_SIZE_OR_ZERO
constexpr HelperArg allocSizeOrZero = arg(ArgKind::ConstAllocSizeOrZero);
constexpr HelperArg sockCommon = arg(ArgKind::SockCommon);         // ARG_PTR_TO_SOCK_COMMON
constexpr HelperArg btfSockCommon = arg(ArgKind::BtfIdSockCommon); // ..._BTF_ID_SOCK_COMMON
constexpr HelperArg spinLock = arg(ArgKind::SpinLock);             // ARG_PTR_TO_SPIN_LOCK
constexpr HelperArg timer = arg(ArgKind::Timer);                   // ARG_PTR_TO_TIMER
constexpr HelperArg callbackFunction = arg(ArgKind::Function);     // ARG_PTR_TO_FUNC
constexpr HelperArg stackOrNull = arg(ArgKind::Stack, MaybeNull);  // ARG_PTR_TO_STACK_OR_NULL
constexpr HelperArg constString = arg(ArgKind::ConstString);       // ARG_PTR_TO_CONST_STR
constexpr HelperArg perCpuBtfId = arg(ArgKind::PerCpuBtfId);       // ARG_PTR_TO_PERCPU_BTF_ID

/// ARG_PTR_TO_MEM with flags (MEM_RDONLY, PTR_MAYBE_NULL, MEM_WRITE); its size follows.
constexpr HelperArg memory(std::uint32_t flags = 0) {
  return arg(ArgKind::Memory, flags);
}
/// ARG_PTR_TO_MEM | MEM_RDONLY: the helper only reads it.
constexpr HelperArg readMemory = memory(ReadOnly);
/// ARG_PTR_TO_UNINIT_MEM = ARG_PTR_TO_MEM | MEM_UNINIT | MEM_WRITE: the helper fills it.
constexpr HelperArg uninitMemory = memory(Uninit | Write);
/// ARG_PTR_TO_FIXED_SIZE_MEM (| flags) with argN_size = `bytes`.
constexpr HelperArg fixedMemory(std::uint32_t bytes, std::uint32_t flags = 0) {
  return HelperArg{ArgKind::Memory, FixedSize | flags, bytes, {}};
}
/// ARG_PTR_TO_BTF_ID with argN_btf_id naming struct `type`.
constexpr HelperArg btfId(std::string_view type, std::uint32_t flags = 0) {
  return HelperArg{ArgKind::BtfId, flags, 0, type};
}
/// ARG_PTR_TO_DYNPTR with its dynptr type and flags.
constexpr HelperArg dynptr(std::uint32_t flags) {
  return arg(ArgKind::Dynptr, flags);
}
/// ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE.
constexpr HelperArg releasedRingbufMemory = arg(ArgKind::RingbufMemory, Release);

// ---- Returns (`enum bpf_return_type` and its flags) ----

constexpr HelperReturn integer{};                         // RET_INTEGER
constexpr HelperReturn nothing{.kind = ReturnKind::Void}; // RET_VOID
constexpr HelperReturn mapValueOrNullReturn{.kind = ReturnKind::MapValue, .flags = ReturnMaybeNull};
constexpr HelperReturn socketOrNull{.kind = ReturnKind::Socket, .flags = ReturnMaybeNull};
constexpr HelperReturn sockCommonOrNull{.kind = ReturnKind::SockCommon, .flags = ReturnMaybeNull};
constexpr HelperReturn tcpSockOrNull{.kind = ReturnKind::TcpSock, .flags = ReturnMaybeNull};
/// RET_PTR_TO_BTF_ID_OR_NULL with ret_btf_id naming struct `type`.
constexpr HelperReturn btfIdOrNull(std::string_view type) {
  return HelperReturn{.kind = ReturnKind::BtfId, .flags = ReturnMaybeNull, .btfType = type};
}
/// do_refine_retval_range for the *_str and get_stack helpers: [-MAX_ERRNO, umax(size)].
constexpr HelperReturn integerBoundBySize(std::uint8_t sizeArgument) {
  return HelperReturn{
      .sizeArgument = sizeArgument, .minimum = -4095, .bound = ReturnBound::SizeArgument};
}

// ---- The rows, in id order ----

constexpr HelperPrototype prototypes[] = {
#include "HelperPrototypeRows1.inc"
#include "HelperPrototypeRows2.inc"
};

// ---- Variants: other prototypes of the same helper, where they differ ----

/// A variant is the main row with a few facts replaced.
constexpr HelperPrototype variantOf(HelperId id) {
  for (const HelperPrototype &row : prototypes)
    if (row.id == id)
      return row;
  return HelperPrototype{.id = id};
}
constexpr HelperPrototype withArgs(HelperPrototype row, std::array<HelperArg, 5> args) {
  row.args = args;
  return row;
}
constexpr HelperPrototype withGpl(HelperPrototype row, bool gplOnly) {
  row.gplOnly = gplOnly;
  return row;
}
constexpr HelperPrototype sleeping(HelperPrototype row) {
  row.mightSleep = true;
  return row;
}
constexpr HelperPrototype withoutFastcall(HelperPrototype row) {
  row.allowFastcall = false;
  return row;
}

constexpr HelperVariant variants[] = {
    {"bpf_get_raw_smp_processor_id_proto",
     "program types that take it from bpf_base_func_proto (no bpf_fastcall contract)",
     withoutFastcall(variantOf(HelperId::GetSmpProcessorId))},
    {"bpf_get_cgroup_classid_curr_proto",
     "cgroup programs (cgroup_current_func_proto) and, in 6.18, the program types that take "
     "it from bpf_base_func_proto (socket filters, ...): the current task's classid",
     withArgs(variantOf(HelperId::GetCgroupClassid), {})},
    {"bpf_get_stackid_proto_pe", "perf_event programs",
     withGpl(variantOf(HelperId::GetStackid), false)},
    {"bpf_get_socket_ptr_cookie_proto", "tracing and sk_reuseport programs: any socket or NULL",
     withArgs(variantOf(HelperId::GetSocketCookie), {arg(ArgKind::BtfIdSockCommon, MaybeNull)})},
    {"bpf_sk_setsockopt_proto",
     "cgroup_sockopt, LSM cgroup, TCP congestion control struct_ops and socket iterator "
     "programs (bpf_unlocked_sk_setsockopt_proto, for unlocked LSM hooks, has this shape)",
     withArgs(variantOf(HelperId::Setsockopt),
              {btfSockCommon, anything, anything, readMemory, size})},
    {"bpf_sk_getsockopt_proto",
     "cgroup_sockopt, LSM cgroup, TCP congestion control struct_ops and socket iterator "
     "programs (bpf_unlocked_sk_getsockopt_proto has this shape)",
     withArgs(variantOf(HelperId::Getsockopt),
              {btfSockCommon, anything, anything, uninitMemory, size})},
    {"bpf_get_stack_sleepable_proto", "sleepable kprobe-family and tracing programs",
     sleeping(variantOf(HelperId::GetStack))},
    {"bpf_sk_storage_get_cg_sock_proto", "cgroup_sock programs: the context is the socket",
     withArgs(variantOf(HelperId::SkStorageGet), {mapPointer, context, mapValueOrNull, anything})},
    {"bpf_sk_storage_get_tracing_proto",
     "tracing programs outside the socket-storage code (bpf_sk_storage_tracing_allowed)",
     withArgs(variantOf(HelperId::SkStorageGet),
              {mapPointer, btfId("sock_common", MaybeNull), mapValueOrNull, anything})},
    {"bpf_sk_storage_delete_tracing_proto",
     "tracing programs outside the socket-storage code (bpf_sk_storage_tracing_allowed)",
     withArgs(variantOf(HelperId::SkStorageDelete), {mapPointer, btfId("sock_common", MaybeNull)})},
    {"bpf_sk_lookup_assign_proto", "sk_lookup programs: a full socket or NULL",
     withArgs(variantOf(HelperId::SkAssign), {context, arg(ArgKind::Socket, MaybeNull), anything})},
    {"bpf_get_task_stack_sleepable_proto", "sleepable tracing programs",
     sleeping(variantOf(HelperId::GetTaskStack))},
    {"bpf_get_func_ip_proto_kprobe_multi", "kprobe.multi programs",
     withGpl(variantOf(HelperId::GetFuncIp), false)},
    {"bpf_get_func_ip_proto_uprobe_multi", "uprobe.multi programs",
     withGpl(variantOf(HelperId::GetFuncIp), false)},
    {"bpf_xdp_get_buff_len_trace_proto", "tracing programs on a struct xdp_buff",
     withArgs(variantOf(HelperId::XdpGetBuffLen), {btfId("xdp_buff")})},
};

constexpr bool inIdOrder() {
  for (std::size_t i = 1; i < std::size(prototypes); ++i)
    if (prototypes[i - 1].id >= prototypes[i].id)
      return false;
  for (std::size_t i = 1; i < std::size(variants); ++i)
    if (variants[i - 1].prototype.id > variants[i].prototype.id)
      return false;
  return true;
}
static_assert(inIdOrder(), "rows must be in helper id order");
static_assert(std::size(prototypes) == std::size_t(HelperId::MaxId) - 1,
              "one row per helper id 1..MaxId-1");

} // namespace

const HelperPrototype *findHelper(HelperId id) {
  return findHelper(std::uint32_t(id));
}

const HelperPrototype *findHelper(std::uint32_t id) {
  const auto *row = std::lower_bound(
      std::begin(prototypes), std::end(prototypes), id,
      [](const HelperPrototype &p, std::uint32_t value) { return std::uint32_t(p.id) < value; });
  if (row == std::end(prototypes) || std::uint32_t(row->id) != id)
    return nullptr;
  return row;
}

std::span<const HelperPrototype> allHelpers() {
  return prototypes;
}

std::string_view helperName(std::uint32_t id) {
  const HelperPrototype *row = findHelper(id);
  return row ? row->name : std::string_view{};
}

std::span<const HelperVariant> helperVariants(HelperId id) {
  const HelperVariant *first =
      std::find_if(std::begin(variants), std::end(variants),
                   [&](const HelperVariant &v) { return v.prototype.id == id; });
  const HelperVariant *last = std::find_if(
      first, std::end(variants), [&](const HelperVariant &v) { return v.prototype.id != id; });
  return {first, last};
}

std::span<const HelperVariant> allHelperVariants() {
  return variants;
}

} // namespace bpfcheck
