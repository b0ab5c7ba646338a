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
    // bpf_map_lookup_elem_proto (kernel/bpf/helpers.c). On a SOCKMAP/SOCKHASH the verifier
    // makes R0 a referenced PTR_TO_SOCKET_OR_NULL (mark_ptr_or_null_reg).
    {.id = HelperId::MapLookupElem,
     .name = "bpf_map_lookup_elem",
     .returns = mapValueOrNullReturn,
     .args = {mapPointer, mapKey},
     .packetAccess = true,
     .acquiresOnSocketMaps = true},
    // bpf_map_update_elem_proto (kernel/bpf/helpers.c)
    {.id = HelperId::MapUpdateElem,
     .name = "bpf_map_update_elem",
     .returns = integer,
     .args = {mapPointer, mapKey, mapValue, anything},
     .packetAccess = true},
    // bpf_map_delete_elem_proto (kernel/bpf/helpers.c)
    {.id = HelperId::MapDeleteElem,
     .name = "bpf_map_delete_elem",
     .returns = integer,
     .args = {mapPointer, mapKey},
     .packetAccess = true},
    // bpf_probe_read_compat_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::ProbeRead,
     .name = "bpf_probe_read",
     .returns = integer,
     .args = {uninitMemory, sizeOrZero, anything},
     .gplOnly = true},
    // bpf_ktime_get_ns_proto (kernel/bpf/helpers.c)
    {.id = HelperId::KtimeGetNs, .name = "bpf_ktime_get_ns", .returns = integer},
    // bpf_trace_printk_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::TracePrintk,
     .name = "bpf_trace_printk",
     .returns = integer,
     .args = {readMemory, size},
     .gplOnly = true},
    // bpf_get_prandom_u32_proto (kernel/bpf/helpers.c)
    {.id = HelperId::GetPrandomU32, .name = "bpf_get_prandom_u32", .returns = integer},
    // bpf_get_smp_processor_id_proto (kernel/bpf/helpers.c); bpf_base_func_proto gives
    // bpf_get_raw_smp_processor_id_proto (see the variants). Range: [0, nr_cpu_ids - 1].
    {.id = HelperId::GetSmpProcessorId,
     .name = "bpf_get_smp_processor_id",
     .returns = {.minimum = 0, .bound = ReturnBound::LastCpu},
     .allowFastcall = true},
    // bpf_skb_store_bytes_proto (net/core/filter.c)
    {.id = HelperId::SkbStoreBytes,
     .name = "bpf_skb_store_bytes",
     .returns = integer,
     .args = {context, anything, readMemory, size, anything},
     .changesPacketData = true},
    // bpf_l3_csum_replace_proto (net/core/filter.c)
    {.id = HelperId::L3CsumReplace,
     .name = "bpf_l3_csum_replace",
     .returns = integer,
     .args = {context, anything, anything, anything, anything},
     .changesPacketData = true},
    // bpf_l4_csum_replace_proto (net/core/filter.c)
    {.id = HelperId::L4CsumReplace,
     .name = "bpf_l4_csum_replace",
     .returns = integer,
     .args = {context, anything, anything, anything, anything},
     .changesPacketData = true},
    // bpf_tail_call_proto (kernel/bpf/core.c). In bpf_helper_changes_pkt_data because the
    // called program may change the packet, but check_helper_call (6.18) invalidates packet
    // pointers only when the call is made in a subprogram, whose caller goes on after a
    // successful tail call; in the main program a successful tail call never returns, so
    // nothing is cleared there. The map must be a PROG_ARRAY.
    {.id = HelperId::TailCall,
     .name = "bpf_tail_call",
     .returns = nothing,
     .args = {context, mapPointer, anything},
     .changesPacketData = true},
    // bpf_clone_redirect_proto (net/core/filter.c)
    {.id = HelperId::CloneRedirect,
     .name = "bpf_clone_redirect",
     .returns = integer,
     .args = {context, anything, anything},
     .changesPacketData = true},
    // bpf_get_current_pid_tgid_proto (kernel/bpf/helpers.c)
    {.id = HelperId::GetCurrentPidTgid, .name = "bpf_get_current_pid_tgid", .returns = integer},
    // bpf_get_current_uid_gid_proto (kernel/bpf/helpers.c)
    {.id = HelperId::GetCurrentUidGid, .name = "bpf_get_current_uid_gid", .returns = integer},
    // bpf_get_current_comm_proto (kernel/bpf/helpers.c)
    {.id = HelperId::GetCurrentComm,
     .name = "bpf_get_current_comm",
     .returns = integer,
     .args = {uninitMemory, size}},
    // bpf_get_cgroup_classid_proto (net/core/filter.c, tc); cgroup programs get
    // bpf_get_cgroup_classid_curr_proto without arguments (see the variants).
    {.id = HelperId::GetCgroupClassid,
     .name = "bpf_get_cgroup_classid",
     .returns = integer,
     .args = {context}},
    // bpf_skb_vlan_push_proto (net/core/filter.c)
    {.id = HelperId::SkbVlanPush,
     .name = "bpf_skb_vlan_push",
     .returns = integer,
     .args = {context, anything, anything},
     .changesPacketData = true},
    // bpf_skb_vlan_pop_proto (net/core/filter.c)
    {.id = HelperId::SkbVlanPop,
     .name = "bpf_skb_vlan_pop",
     .returns = integer,
     .args = {context},
     .changesPacketData = true},
    // bpf_skb_get_tunnel_key_proto (net/core/filter.c)
    {.id = HelperId::SkbGetTunnelKey,
     .name = "bpf_skb_get_tunnel_key",
     .returns = integer,
     .args = {context, uninitMemory, size, anything}},
    // bpf_skb_set_tunnel_key_proto (net/core/filter.c)
    {.id = HelperId::SkbSetTunnelKey,
     .name = "bpf_skb_set_tunnel_key",
     .returns = integer,
     .args = {context, readMemory, size, anything}},
    // bpf_perf_event_read_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::PerfEventRead,
     .name = "bpf_perf_event_read",
     .returns = integer,
     .args = {mapPointer, anything},
     .gplOnly = true},
    // bpf_redirect_proto (net/core/filter.c); XDP's bpf_xdp_redirect_proto has the same shape.
    {.id = HelperId::Redirect,
     .name = "bpf_redirect",
     .returns = integer,
     .args = {anything, anything}},
    // bpf_get_route_realm_proto (net/core/filter.c)
    {.id = HelperId::GetRouteRealm,
     .name = "bpf_get_route_realm",
     .returns = integer,
     .args = {context}},
    // bpf_perf_event_output_proto (kernel/trace/bpf_trace.c, kprobe); the tracepoint,
    // raw tracepoint, skb, XDP and cgroup (bpf_event_output_data_proto) prototypes have
    // the same shape.
    {.id = HelperId::PerfEventOutput,
     .name = "bpf_perf_event_output",
     .returns = integer,
     .args = {context, mapPointer, anything, readMemory, sizeOrZero},
     .gplOnly = true},
    // bpf_skb_load_bytes_proto (net/core/filter.c); the flow dissector and sk_reuseport
    // prototypes have the same shape.
    {.id = HelperId::SkbLoadBytes,
     .name = "bpf_skb_load_bytes",
     .returns = integer,
     .args = {context, anything, uninitMemory, size}},
    // bpf_get_stackid_proto (kernel/bpf/stackmap.c, kprobe); perf_event programs get the
    // non-GPL bpf_get_stackid_proto_pe (see the variants).
    {.id = HelperId::GetStackid,
     .name = "bpf_get_stackid",
     .returns = integer,
     .args = {context, mapPointer, anything},
     .gplOnly = true},
    // bpf_csum_diff_proto (net/core/filter.c)
    {.id = HelperId::CsumDiff,
     .name = "bpf_csum_diff",
     .returns = integer,
     .args = {memory(MaybeNull | ReadOnly), sizeOrZero, memory(MaybeNull | ReadOnly), sizeOrZero,
              anything},
     .packetAccess = true},
    // bpf_skb_get_tunnel_opt_proto (net/core/filter.c)
    {.id = HelperId::SkbGetTunnelOpt,
     .name = "bpf_skb_get_tunnel_opt",
     .returns = integer,
     .args = {context, uninitMemory, size}},
    // bpf_skb_set_tunnel_opt_proto (net/core/filter.c)
    {.id = HelperId::SkbSetTunnelOpt,
     .name = "bpf_skb_set_tunnel_opt",
     .returns = integer,
     .args = {context, readMemory, size}},
    // bpf_skb_change_proto_proto (net/core/filter.c)
    {.id = HelperId::SkbChangeProto,
     .name = "bpf_skb_change_proto",
     .returns = integer,
     .args = {context, anything, anything},
     .changesPacketData = true},
    // bpf_skb_change_type_proto (net/core/filter.c)
    {.id = HelperId::SkbChangeType,
     .name = "bpf_skb_change_type",
     .returns = integer,
     .args = {context, anything}},
    // bpf_skb_under_cgroup_proto (net/core/filter.c)
    {.id = HelperId::SkbUnderCgroup,
     .name = "bpf_skb_under_cgroup",
     .returns = integer,
     .args = {context, mapPointer, anything}},
    // bpf_get_hash_recalc_proto (net/core/filter.c)
    {.id = HelperId::GetHashRecalc,
     .name = "bpf_get_hash_recalc",
     .returns = integer,
     .args = {context}},
    // bpf_get_current_task_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::GetCurrentTask,
     .name = "bpf_get_current_task",
     .returns = integer,
     .gplOnly = true},
    // bpf_probe_write_user_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::ProbeWriteUser,
     .name = "bpf_probe_write_user",
     .returns = integer,
     .args = {anything, readMemory, size},
     .gplOnly = true},
    // bpf_current_task_under_cgroup_proto (kernel/bpf/helpers.c)
    {.id = HelperId::CurrentTaskUnderCgroup,
     .name = "bpf_current_task_under_cgroup",
     .returns = integer,
     .args = {mapPointer, anything}},
    // bpf_skb_change_tail_proto (net/core/filter.c); sk_skb_change_tail_proto: same shape.
    {.id = HelperId::SkbChangeTail,
     .name = "bpf_skb_change_tail",
     .returns = integer,
     .args = {context, anything, anything},
     .changesPacketData = true},
    // bpf_skb_pull_data_proto (net/core/filter.c); sk_skb_pull_data_proto: same shape.
    {.id = HelperId::SkbPullData,
     .name = "bpf_skb_pull_data",
     .returns = integer,
     .args = {context, anything},
     .changesPacketData = true},
    // bpf_csum_update_proto (net/core/filter.c)
    {.id = HelperId::CsumUpdate,
     .name = "bpf_csum_update",
     .returns = integer,
     .args = {context, anything}},
    // bpf_set_hash_invalid_proto (net/core/filter.c)
    {.id = HelperId::SetHashInvalid,
     .name = "bpf_set_hash_invalid",
     .returns = integer,
     .args = {context}},
    // bpf_get_numa_node_id_proto (kernel/bpf/helpers.c)
    {.id = HelperId::GetNumaNodeId, .name = "bpf_get_numa_node_id", .returns = integer},
    // bpf_skb_change_head_proto (net/core/filter.c); sk_skb_change_head_proto: same shape.
    {.id = HelperId::SkbChangeHead,
     .name = "bpf_skb_change_head",
     .returns = integer,
     .args = {context, anything, anything},
     .changesPacketData = true},
    // bpf_xdp_adjust_head_proto (net/core/filter.c)
    {.id = HelperId::XdpAdjustHead,
     .name = "bpf_xdp_adjust_head",
     .returns = integer,
     .args = {context, anything},
     .changesPacketData = true},
    // bpf_probe_read_compat_str_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::ProbeReadStr,
     .name = "bpf_probe_read_str",
     .returns = integerBoundBySize(2),
     .args = {uninitMemory, sizeOrZero, anything},
     .gplOnly = true},
    // bpf_get_socket_cookie_proto (net/core/filter.c, skb); the sock, sock_addr and
    // sock_ops prototypes have the same shape; tracing and sk_reuseport programs get
    // bpf_get_socket_ptr_cookie_proto (see the variants).
    {.id = HelperId::GetSocketCookie,
     .name = "bpf_get_socket_cookie",
     .returns = integer,
     .args = {context}},
    // bpf_get_socket_uid_proto (net/core/filter.c)
    {.id = HelperId::GetSocketUid,
     .name = "bpf_get_socket_uid",
     .returns = integer,
     .args = {context}},
    // bpf_set_hash_proto (net/core/filter.c)
    {.id = HelperId::SetHash,
     .name = "bpf_set_hash",
     .returns = integer,
     .args = {context, anything}},
    // bpf_sock_ops_setsockopt_proto (net/core/filter.c); sock_addr's prototype has the
    // same shape; bpf_sk_setsockopt_proto takes a socket (see the variants).
    {.id = HelperId::Setsockopt,
     .name = "bpf_setsockopt",
     .returns = integer,
     .args = {context, anything, anything, readMemory, size}},
    // bpf_skb_adjust_room_proto (net/core/filter.c); sk_skb_adjust_room_proto: same shape.
    {.id = HelperId::SkbAdjustRoom,
     .name = "bpf_skb_adjust_room",
     .returns = integer,
     .args = {context, anything, anything, anything},
     .changesPacketData = true},
    // bpf_xdp_redirect_map_proto (net/core/filter.c)
    {.id = HelperId::RedirectMap,
     .name = "bpf_redirect_map",
     .returns = integer,
     .args = {mapPointer, anything, anything}},
    // bpf_sk_redirect_map_proto (net/core/sock_map.c)
    {.id = HelperId::SkRedirectMap,
     .name = "bpf_sk_redirect_map",
     .returns = integer,
     .args = {context, mapPointer, anything, anything}},
    // bpf_sock_map_update_proto (net/core/sock_map.c)
    {.id = HelperId::SockMapUpdate,
     .name = "bpf_sock_map_update",
     .returns = integer,
     .args = {context, mapPointer, mapKey, anything},
     .packetAccess = true},
    // bpf_xdp_adjust_meta_proto (net/core/filter.c)
    {.id = HelperId::XdpAdjustMeta,
     .name = "bpf_xdp_adjust_meta",
     .returns = integer,
     .args = {context, anything},
     .changesPacketData = true},
    // bpf_perf_event_read_value_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::PerfEventReadValue,
     .name = "bpf_perf_event_read_value",
     .returns = integer,
     .args = {mapPointer, anything, uninitMemory, size},
     .gplOnly = true},
    // bpf_perf_prog_read_value_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::PerfProgReadValue,
     .name = "bpf_perf_prog_read_value",
     .returns = integer,
     .args = {context, uninitMemory, size},
     .gplOnly = true},
    // bpf_sock_ops_getsockopt_proto (net/core/filter.c); sock_addr's prototype has the
    // same shape; bpf_sk_getsockopt_proto takes a socket (see the variants).
    {.id = HelperId::Getsockopt,
     .name = "bpf_getsockopt",
     .returns = integer,
     .args = {context, anything, anything, uninitMemory, size}},
    // bpf_override_return_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::OverrideReturn,
     .name = "bpf_override_return",
     .returns = integer,
     .args = {context, anything},
     .gplOnly = true},
    // bpf_sock_ops_cb_flags_set_proto (net/core/filter.c)
    {.id = HelperId::SockOpsCbFlagsSet,
     .name = "bpf_sock_ops_cb_flags_set",
     .returns = integer,
     .args = {context, anything}},
    // bpf_msg_redirect_map_proto (net/core/sock_map.c)
    {.id = HelperId::MsgRedirectMap,
     .name = "bpf_msg_redirect_map",
     .returns = integer,
     .args = {context, mapPointer, anything, anything}},
    // bpf_msg_apply_bytes_proto (net/core/filter.c)
    {.id = HelperId::MsgApplyBytes,
     .name = "bpf_msg_apply_bytes",
     .returns = integer,
     .args = {context, anything}},
    // bpf_msg_cork_bytes_proto (net/core/filter.c)
    {.id = HelperId::MsgCorkBytes,
     .name = "bpf_msg_cork_bytes",
     .returns = integer,
     .args = {context, anything}},
    // bpf_msg_pull_data_proto (net/core/filter.c)
    {.id = HelperId::MsgPullData,
     .name = "bpf_msg_pull_data",
     .returns = integer,
     .args = {context, anything, anything, anything},
     .changesPacketData = true},
    // bpf_bind_proto (net/core/filter.c)
    {.id = HelperId::Bind,
     .name = "bpf_bind",
     .returns = integer,
     .args = {context, readMemory, size}},
    // bpf_xdp_adjust_tail_proto (net/core/filter.c)
    {.id = HelperId::XdpAdjustTail,
     .name = "bpf_xdp_adjust_tail",
     .returns = integer,
     .args = {context, anything},
     .changesPacketData = true},
    // bpf_skb_get_xfrm_state_proto (net/core/filter.c)
    {.id = HelperId::SkbGetXfrmState,
     .name = "bpf_skb_get_xfrm_state",
     .returns = integer,
     .args = {context, anything, uninitMemory, size, anything}},
    // bpf_get_stack_proto (kernel/bpf/stackmap.c, kprobe); the tracepoint, perf_event and
    // raw tracepoint prototypes have the same shape (raw tracepoints' buffer became
    // ARG_PTR_TO_UNINIT_MEM with "bpf: Fix memory access flags in helper prototypes");
    // sleepable programs get another (see the variants). Range: [-MAX_ERRNO, umax(R3)].
    {.id = HelperId::GetStack,
     .name = "bpf_get_stack",
     .returns = integerBoundBySize(3),
     .args = {context, uninitMemory, sizeOrZero, anything},
     .gplOnly = true},
    // bpf_skb_load_bytes_relative_proto (net/core/filter.c); sk_reuseport's: same shape.
    {.id = HelperId::SkbLoadBytesRelative,
     .name = "bpf_skb_load_bytes_relative",
     .returns = integer,
     .args = {context, anything, uninitMemory, size, anything}},
    // bpf_skb_fib_lookup_proto (net/core/filter.c); bpf_xdp_fib_lookup_proto: same shape.
    // `params` is read and written: ARG_PTR_TO_MEM | MEM_WRITE since "bpf: Fix memory access
    // flags in helper prototypes" (in 6.18.y; 6.12 had a plain ARG_PTR_TO_MEM).
    {.id = HelperId::FibLookup,
     .name = "bpf_fib_lookup",
     .returns = integer,
     .args = {context, memory(Write), size, anything},
     .gplOnly = true},
    // bpf_sock_hash_update_proto (net/core/sock_map.c)
    {.id = HelperId::SockHashUpdate,
     .name = "bpf_sock_hash_update",
     .returns = integer,
     .args = {context, mapPointer, mapKey, anything},
     .packetAccess = true},
    // bpf_msg_redirect_hash_proto (net/core/sock_map.c)
    {.id = HelperId::MsgRedirectHash,
     .name = "bpf_msg_redirect_hash",
     .returns = integer,
     .args = {context, mapPointer, mapKey, anything}},
    // bpf_sk_redirect_hash_proto (net/core/sock_map.c)
    {.id = HelperId::SkRedirectHash,
     .name = "bpf_sk_redirect_hash",
     .returns = integer,
     .args = {context, mapPointer, mapKey, anything}},
    // bpf_lwt_xmit_push_encap_proto (net/core/filter.c); the lwt_in one: same shape.
    {.id = HelperId::LwtPushEncap,
     .name = "bpf_lwt_push_encap",
     .returns = integer,
     .args = {context, anything, readMemory, size},
     .changesPacketData = true},
    // bpf_lwt_seg6_store_bytes_proto (net/core/filter.c)
    {.id = HelperId::LwtSeg6StoreBytes,
     .name = "bpf_lwt_seg6_store_bytes",
     .returns = integer,
     .args = {context, anything, readMemory, size},
     .changesPacketData = true},
    // bpf_lwt_seg6_adjust_srh_proto (net/core/filter.c)
    {.id = HelperId::LwtSeg6AdjustSrh,
     .name = "bpf_lwt_seg6_adjust_srh",
     .returns = integer,
     .args = {context, anything, anything},
     .changesPacketData = true},
    // bpf_lwt_seg6_action_proto (net/core/filter.c)
    {.id = HelperId::LwtSeg6Action,
     .name = "bpf_lwt_seg6_action",
     .returns = integer,
     .args = {context, anything, readMemory, size},
     .changesPacketData = true},
    // rc_repeat_proto (drivers/media/rc/bpf-lirc.c)
    {.id = HelperId::RcRepeat,
     .name = "bpf_rc_repeat",
     .returns = integer,
     .args = {context},
     .gplOnly = true},
    // rc_keydown_proto (drivers/media/rc/bpf-lirc.c)
    {.id = HelperId::RcKeydown,
     .name = "bpf_rc_keydown",
     .returns = integer,
     .args = {context, anything, anything, anything},
     .gplOnly = true},
    // bpf_skb_cgroup_id_proto (net/core/filter.c)
    {.id = HelperId::SkbCgroupId,
     .name = "bpf_skb_cgroup_id",
     .returns = integer,
     .args = {context}},
    // bpf_get_current_cgroup_id_proto (kernel/bpf/helpers.c)
    {.id = HelperId::GetCurrentCgroupId, .name = "bpf_get_current_cgroup_id", .returns = integer},
    // bpf_get_local_storage_proto (kernel/bpf/cgroup.c): never NULL; the verifier demands
    // a zero flags argument (check_helper_call).
    {.id = HelperId::GetLocalStorage,
     .name = "bpf_get_local_storage",
     .returns = {.kind = ReturnKind::MapValue},
     .args = {mapPointer, anything}},
    // sk_select_reuseport_proto (net/core/filter.c)
    {.id = HelperId::SkSelectReuseport,
     .name = "bpf_sk_select_reuseport",
     .returns = integer,
     .args = {context, mapPointer, mapKey, anything}},
    // bpf_skb_ancestor_cgroup_id_proto (net/core/filter.c)
    {.id = HelperId::SkbAncestorCgroupId,
     .name = "bpf_skb_ancestor_cgroup_id",
     .returns = integer,
     .args = {context, anything}},
    // bpf_tc_sk_lookup_tcp_proto (net/core/filter.c); the XDP, skb and sock_addr
    // prototypes have the same shape (sock_addr's without pkt_access).
    {.id = HelperId::SkLookupTcp,
     .name = "bpf_sk_lookup_tcp",
     .returns = socketOrNull,
     .args = {context, readMemory, sizeOrZero, anything, anything},
     .acquiresReference = true,
     .packetAccess = true},
    // bpf_tc_sk_lookup_udp_proto (net/core/filter.c); as bpf_sk_lookup_tcp.
    {.id = HelperId::SkLookupUdp,
     .name = "bpf_sk_lookup_udp",
     .returns = socketOrNull,
     .args = {context, readMemory, sizeOrZero, anything, anything},
     .acquiresReference = true,
     .packetAccess = true},
    // bpf_sk_release_proto (net/core/filter.c)
    {.id = HelperId::SkRelease,
     .name = "bpf_sk_release",
     .returns = integer,
     .args = {arg(ArgKind::BtfIdSockCommon, Release)}},
    // bpf_map_push_elem_proto (kernel/bpf/helpers.c)
    {.id = HelperId::MapPushElem,
     .name = "bpf_map_push_elem",
     .returns = integer,
     .args = {mapPointer, mapValue, anything},
     .packetAccess = true},
    // bpf_map_pop_elem_proto (kernel/bpf/helpers.c)
    {.id = HelperId::MapPopElem,
     .name = "bpf_map_pop_elem",
     .returns = integer,
     .args = {mapPointer, arg(ArgKind::MapValue, Uninit | Write)}},
    // bpf_map_peek_elem_proto (kernel/bpf/helpers.c)
    {.id = HelperId::MapPeekElem,
     .name = "bpf_map_peek_elem",
     .returns = integer,
     .args = {mapPointer, arg(ArgKind::MapValue, Uninit | Write)}},
    // bpf_msg_push_data_proto (net/core/filter.c)
    {.id = HelperId::MsgPushData,
     .name = "bpf_msg_push_data",
     .returns = integer,
     .args = {context, anything, anything, anything},
     .changesPacketData = true},
    // bpf_msg_pop_data_proto (net/core/filter.c)
    {.id = HelperId::MsgPopData,
     .name = "bpf_msg_pop_data",
     .returns = integer,
     .args = {context, anything, anything, anything},
     .changesPacketData = true},
    // rc_pointer_rel_proto (drivers/media/rc/bpf-lirc.c)
    {.id = HelperId::RcPointerRel,
     .name = "bpf_rc_pointer_rel",
     .returns = integer,
     .args = {context, anything, anything},
     .gplOnly = true},
    // bpf_spin_lock_proto (kernel/bpf/helpers.c); arg1_btf_id is BPF_PTR_POISON: the lock's
    // type comes from the map value or allocated object holding it.
    {.id = HelperId::SpinLock, .name = "bpf_spin_lock", .returns = nothing, .args = {spinLock}},
    // bpf_spin_unlock_proto (kernel/bpf/helpers.c)
    {.id = HelperId::SpinUnlock, .name = "bpf_spin_unlock", .returns = nothing, .args = {spinLock}},
    // bpf_sk_fullsock_proto (net/core/filter.c)
    {.id = HelperId::SkFullsock,
     .name = "bpf_sk_fullsock",
     .returns = socketOrNull,
     .args = {sockCommon},
     .inheritsReference = true},
    // bpf_tcp_sock_proto (net/core/filter.c)
    {.id = HelperId::TcpSock,
     .name = "bpf_tcp_sock",
     .returns = tcpSockOrNull,
     .args = {sockCommon},
     .inheritsReference = true},
    // bpf_skb_ecn_set_ce_proto (net/core/filter.c)
    {.id = HelperId::SkbEcnSetCe,
     .name = "bpf_skb_ecn_set_ce",
     .returns = integer,
     .args = {context}},
    // bpf_get_listener_sock_proto (net/core/filter.c): an unreferenced listener socket.
    {.id = HelperId::GetListenerSock,
     .name = "bpf_get_listener_sock",
     .returns = socketOrNull,
     .args = {sockCommon}},
    // bpf_tc_skc_lookup_tcp_proto (net/core/filter.c); as bpf_sk_lookup_tcp.
    {.id = HelperId::SkcLookupTcp,
     .name = "bpf_skc_lookup_tcp",
     .returns = sockCommonOrNull,
     .args = {context, readMemory, sizeOrZero, anything, anything},
     .acquiresReference = true,
     .packetAccess = true},
    // bpf_tcp_check_syncookie_proto (net/core/filter.c)
    {.id = HelperId::TcpCheckSyncookie,
     .name = "bpf_tcp_check_syncookie",
     .returns = integer,
     .args = {btfSockCommon, readMemory, size, readMemory, size},
     .gplOnly = true,
     .packetAccess = true},
    // bpf_sysctl_get_name_proto (kernel/bpf/cgroup.c): ARG_PTR_TO_MEM | MEM_WRITE since
    // "bpf: Specify access type of bpf_sysctl_get_name args" (6.16).
    {.id = HelperId::SysctlGetName,
     .name = "bpf_sysctl_get_name",
     .returns = integer,
     .args = {context, memory(Write), size, anything}},
    // bpf_sysctl_get_current_value_proto (kernel/bpf/cgroup.c)
    {.id = HelperId::SysctlGetCurrentValue,
     .name = "bpf_sysctl_get_current_value",
     .returns = integer,
     .args = {context, uninitMemory, size}},
    // bpf_sysctl_get_new_value_proto (kernel/bpf/cgroup.c)
    {.id = HelperId::SysctlGetNewValue,
     .name = "bpf_sysctl_get_new_value",
     .returns = integer,
     .args = {context, uninitMemory, size}},
    // bpf_sysctl_set_new_value_proto (kernel/bpf/cgroup.c)
    {.id = HelperId::SysctlSetNewValue,
     .name = "bpf_sysctl_set_new_value",
     .returns = integer,
     .args = {context, readMemory, size}},
    // bpf_strtol_proto (kernel/bpf/helpers.c): the result is an aligned s64.
    {.id = HelperId::Strtol,
     .name = "bpf_strtol",
     .returns = integer,
     .args = {readMemory, size, anything, fixedMemory(8, Uninit | Write | Aligned)}},
    // bpf_strtoul_proto (kernel/bpf/helpers.c): the result is an aligned u64.
    {.id = HelperId::Strtoul,
     .name = "bpf_strtoul",
     .returns = integer,
     .args = {readMemory, size, anything, fixedMemory(8, Uninit | Write | Aligned)}},
    // bpf_sk_storage_get_proto (net/core/bpf_sk_storage.c, skb, sock_ops, sk_msg, LSM);
    // cgroup sock programs and tracing programs get others (see the variants).
    {.id = HelperId::SkStorageGet,
     .name = "bpf_sk_storage_get",
     .returns = mapValueOrNullReturn,
     .args = {mapPointer, btfSockCommon, mapValueOrNull, anything}},
    // bpf_sk_storage_delete_proto (net/core/bpf_sk_storage.c); tracing: see the variants.
    {.id = HelperId::SkStorageDelete,
     .name = "bpf_sk_storage_delete",
     .returns = integer,
     .args = {mapPointer, btfSockCommon}},
    // bpf_send_signal_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::SendSignal, .name = "bpf_send_signal", .returns = integer, .args = {anything}},
    // bpf_tcp_gen_syncookie_proto (net/core/filter.c)
    {.id = HelperId::TcpGenSyncookie,
     .name = "bpf_tcp_gen_syncookie",
     .returns = integer,
     .args = {btfSockCommon, readMemory, size, readMemory, size},
     .gplOnly = true,
     .packetAccess = true},
    // bpf_skb_output_proto (net/core/filter.c): tracing programs on a struct sk_buff.
    {.id = HelperId::SkbOutput,
     .name = "bpf_skb_output",
     .returns = integer,
     .args = {btfId("sk_buff"), mapPointer, anything, readMemory, sizeOrZero},
     .gplOnly = true},
    // bpf_probe_read_user_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::ProbeReadUser,
     .name = "bpf_probe_read_user",
     .returns = integer,
     .args = {uninitMemory, sizeOrZero, anything},
     .gplOnly = true},
    // bpf_probe_read_kernel_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::ProbeReadKernel,
     .name = "bpf_probe_read_kernel",
     .returns = integer,
     .args = {uninitMemory, sizeOrZero, anything},
     .gplOnly = true},
    // bpf_probe_read_user_str_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::ProbeReadUserStr,
     .name = "bpf_probe_read_user_str",
     .returns = integerBoundBySize(2),
     .args = {uninitMemory, sizeOrZero, anything},
     .gplOnly = true},
    // bpf_probe_read_kernel_str_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::ProbeReadKernelStr,
     .name = "bpf_probe_read_kernel_str",
     .returns = integerBoundBySize(2),
     .args = {uninitMemory, sizeOrZero, anything},
     .gplOnly = true},
    // bpf_tcp_send_ack_proto (net/ipv4/bpf_tcp_ca.c)
    {.id = HelperId::TcpSendAck,
     .name = "bpf_tcp_send_ack",
     .returns = integer,
     .args = {btfId("tcp_sock"), anything}},
    // bpf_send_signal_thread_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::SendSignalThread,
     .name = "bpf_send_signal_thread",
     .returns = integer,
     .args = {anything}},
    // bpf_jiffies64_proto (kernel/bpf/helpers.c)
    {.id = HelperId::Jiffies64, .name = "bpf_jiffies64", .returns = integer},
    // bpf_read_branch_records_proto (kernel/trace/bpf_trace.c): ARG_PTR_TO_MEM_OR_NULL |
    // MEM_WRITE ("bpf: Fix memory access flags in helper prototypes").
    {.id = HelperId::ReadBranchRecords,
     .name = "bpf_read_branch_records",
     .returns = integer,
     .args = {context, memory(MaybeNull | Write), sizeOrZero, anything},
     .gplOnly = true},
    // bpf_get_ns_current_pid_tgid_proto (kernel/bpf/helpers.c)
    {.id = HelperId::GetNsCurrentPidTgid,
     .name = "bpf_get_ns_current_pid_tgid",
     .returns = integer,
     .args = {anything, anything, uninitMemory, size}},
    // bpf_xdp_output_proto (net/core/filter.c): tracing programs on a struct xdp_buff.
    {.id = HelperId::XdpOutput,
     .name = "bpf_xdp_output",
     .returns = integer,
     .args = {btfId("xdp_buff"), mapPointer, anything, readMemory, sizeOrZero},
     .gplOnly = true},
    // bpf_get_netns_cookie_sock_ops_proto (net/core/filter.c); every context's prototype
    // takes the context or NULL.
    {.id = HelperId::GetNetnsCookie,
     .name = "bpf_get_netns_cookie",
     .returns = integer,
     .args = {contextOrNull}},
    // bpf_get_current_ancestor_cgroup_id_proto (kernel/bpf/helpers.c)
    {.id = HelperId::GetCurrentAncestorCgroupId,
     .name = "bpf_get_current_ancestor_cgroup_id",
     .returns = integer,
     .args = {anything}},
    // bpf_sk_assign_proto (net/core/filter.c, tc); sk_lookup programs get
    // bpf_sk_lookup_assign_proto (see the variants).
    {.id = HelperId::SkAssign,
     .name = "bpf_sk_assign",
     .returns = integer,
     .args = {context, btfSockCommon, anything}},
    // bpf_ktime_get_boot_ns_proto (kernel/bpf/helpers.c)
    {.id = HelperId::KtimeGetBootNs, .name = "bpf_ktime_get_boot_ns", .returns = integer},
    // bpf_seq_printf_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::SeqPrintf,
     .name = "bpf_seq_printf",
     .returns = integer,
     .args = {btfId("seq_file"), readMemory, size, memory(MaybeNull | ReadOnly), sizeOrZero},
     .gplOnly = true},
    // bpf_seq_write_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::SeqWrite,
     .name = "bpf_seq_write",
     .returns = integer,
     .args = {btfId("seq_file"), readMemory, sizeOrZero},
     .gplOnly = true},
    // bpf_sk_cgroup_id_proto (net/core/filter.c)
    {.id = HelperId::SkCgroupId,
     .name = "bpf_sk_cgroup_id",
     .returns = integer,
     .args = {btfSockCommon}},
    // bpf_sk_ancestor_cgroup_id_proto (net/core/filter.c)
    {.id = HelperId::SkAncestorCgroupId,
     .name = "bpf_sk_ancestor_cgroup_id",
     .returns = integer,
     .args = {btfSockCommon, anything}},
    // bpf_ringbuf_output_proto (kernel/bpf/ringbuf.c)
    {.id = HelperId::RingbufOutput,
     .name = "bpf_ringbuf_output",
     .returns = integer,
     .args = {mapPointer, readMemory, sizeOrZero, anything}},
    // bpf_ringbuf_reserve_proto (kernel/bpf/ringbuf.c): RET_PTR_TO_RINGBUF_MEM_OR_NULL of
    // the constant size in R2, to be submitted or discarded.
    {.id = HelperId::RingbufReserve,
     .name = "bpf_ringbuf_reserve",
     .returns = {.kind = ReturnKind::RingbufMemory, .flags = ReturnMaybeNull, .sizeArgument = 2},
     .args = {mapPointer, allocSizeOrZero, anything},
     .acquiresReference = true},
    // bpf_ringbuf_submit_proto (kernel/bpf/ringbuf.c)
    {.id = HelperId::RingbufSubmit,
     .name = "bpf_ringbuf_submit",
     .returns = nothing,
     .args = {releasedRingbufMemory, anything}},
    // bpf_ringbuf_discard_proto (kernel/bpf/ringbuf.c)
    {.id = HelperId::RingbufDiscard,
     .name = "bpf_ringbuf_discard",
     .returns = nothing,
     .args = {releasedRingbufMemory, anything}},
    // bpf_ringbuf_query_proto (kernel/bpf/ringbuf.c)
    {.id = HelperId::RingbufQuery,
     .name = "bpf_ringbuf_query",
     .returns = integer,
     .args = {mapPointer, anything}},
    // bpf_csum_level_proto (net/core/filter.c)
    {.id = HelperId::CsumLevel,
     .name = "bpf_csum_level",
     .returns = integer,
     .args = {context, anything}},
    // bpf_skc_to_tcp6_sock_proto (net/core/filter.c)
    {.id = HelperId::SkcToTcp6Sock,
     .name = "bpf_skc_to_tcp6_sock",
     .returns = btfIdOrNull("tcp6_sock"),
     .args = {btfSockCommon},
     .inheritsReference = true},
    // bpf_skc_to_tcp_sock_proto (net/core/filter.c)
    {.id = HelperId::SkcToTcpSock,
     .name = "bpf_skc_to_tcp_sock",
     .returns = btfIdOrNull("tcp_sock"),
     .args = {btfSockCommon},
     .inheritsReference = true},
    // bpf_skc_to_tcp_timewait_sock_proto (net/core/filter.c)
    {.id = HelperId::SkcToTcpTimewaitSock,
     .name = "bpf_skc_to_tcp_timewait_sock",
     .returns = btfIdOrNull("tcp_timewait_sock"),
     .args = {btfSockCommon},
     .inheritsReference = true},
    // bpf_skc_to_tcp_request_sock_proto (net/core/filter.c)
    {.id = HelperId::SkcToTcpRequestSock,
     .name = "bpf_skc_to_tcp_request_sock",
     .returns = btfIdOrNull("tcp_request_sock"),
     .args = {btfSockCommon},
     .inheritsReference = true},
    // bpf_skc_to_udp6_sock_proto (net/core/filter.c)
    {.id = HelperId::SkcToUdp6Sock,
     .name = "bpf_skc_to_udp6_sock",
     .returns = btfIdOrNull("udp6_sock"),
     .args = {btfSockCommon},
     .inheritsReference = true},
    // bpf_get_task_stack_proto (kernel/bpf/stackmap.c); sleepable programs get
    // bpf_get_task_stack_sleepable_proto (see the variants). Range: [-MAX_ERRNO, umax(R3)].
    {.id = HelperId::GetTaskStack,
     .name = "bpf_get_task_stack",
     .returns = integerBoundBySize(3),
     .args = {btfId("task_struct"), uninitMemory, sizeOrZero, anything}},
    // bpf_sock_ops_load_hdr_opt_proto (net/core/filter.c): the buffer is read (the option
    // kind to search) and written.
    {.id = HelperId::LoadHdrOpt,
     .name = "bpf_load_hdr_opt",
     .returns = integer,
     .args = {context, memory(Write), size, anything}},
    // bpf_sock_ops_store_hdr_opt_proto (net/core/filter.c)
    {.id = HelperId::StoreHdrOpt,
     .name = "bpf_store_hdr_opt",
     .returns = integer,
     .args = {context, readMemory, size, anything},
     .changesPacketData = true},
    // bpf_sock_ops_reserve_hdr_opt_proto (net/core/filter.c)
    {.id = HelperId::ReserveHdrOpt,
     .name = "bpf_reserve_hdr_opt",
     .returns = integer,
     .args = {context, anything, anything}},
    // bpf_inode_storage_get_proto (kernel/bpf/bpf_inode_storage.c)
    {.id = HelperId::InodeStorageGet,
     .name = "bpf_inode_storage_get",
     .returns = mapValueOrNullReturn,
     .args = {mapPointer, btfId("inode", MaybeNull), mapValueOrNull, anything}},
    // bpf_inode_storage_delete_proto (kernel/bpf/bpf_inode_storage.c)
    {.id = HelperId::InodeStorageDelete,
     .name = "bpf_inode_storage_delete",
     .returns = integer,
     .args = {mapPointer, btfId("inode", MaybeNull)}},
    // bpf_d_path_proto (kernel/trace/bpf_trace.c); only in the functions of
    // btf_allowlist_d_path (its `allowed` callback). The buffer is ARG_PTR_TO_MEM | MEM_WRITE
    // since "bpf: Fix verifier assumptions of bpf_d_path's output buffer" (a 6.19 fix taken
    // into 6.18.y; not observable here: tracing programs cannot be loaded).
    {.id = HelperId::DPath,
     .name = "bpf_d_path",
     .returns = integer,
     .args = {btfId("path"), memory(Write), sizeOrZero}},
    // bpf_copy_from_user_proto (kernel/bpf/helpers.c)
    {.id = HelperId::CopyFromUser,
     .name = "bpf_copy_from_user",
     .returns = integer,
     .args = {uninitMemory, sizeOrZero, anything},
     .mightSleep = true},
    // bpf_snprintf_btf_proto (kernel/trace/bpf_trace.c): the output is ARG_PTR_TO_MEM |
    // MEM_WRITE ("bpf: Fix memory access flags in helper prototypes").
    {.id = HelperId::SnprintfBtf,
     .name = "bpf_snprintf_btf",
     .returns = integer,
     .args = {memory(Write), size, readMemory, size, anything}},
    // bpf_seq_printf_btf_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::SeqPrintfBtf,
     .name = "bpf_seq_printf_btf",
     .returns = integer,
     .args = {btfId("seq_file"), readMemory, sizeOrZero, anything},
     .gplOnly = true},
    // bpf_skb_cgroup_classid_proto (net/core/filter.c)
    {.id = HelperId::SkbCgroupClassid,
     .name = "bpf_skb_cgroup_classid",
     .returns = integer,
     .args = {context}},
    // bpf_redirect_neigh_proto (net/core/filter.c)
    {.id = HelperId::RedirectNeigh,
     .name = "bpf_redirect_neigh",
     .returns = integer,
     .args = {anything, memory(MaybeNull | ReadOnly), sizeOrZero, anything}},
    // bpf_per_cpu_ptr_proto (kernel/bpf/helpers.c)
    {.id = HelperId::PerCpuPtr,
     .name = "bpf_per_cpu_ptr",
     .returns = {.kind = ReturnKind::MemoryOrBtfId, .flags = ReturnMaybeNull | ReturnReadOnly},
     .args = {perCpuBtfId, anything}},
    // bpf_this_cpu_ptr_proto (kernel/bpf/helpers.c)
    {.id = HelperId::ThisCpuPtr,
     .name = "bpf_this_cpu_ptr",
     .returns = {.kind = ReturnKind::MemoryOrBtfId, .flags = ReturnReadOnly},
     .args = {perCpuBtfId}},
    // bpf_redirect_peer_proto (net/core/filter.c)
    {.id = HelperId::RedirectPeer,
     .name = "bpf_redirect_peer",
     .returns = integer,
     .args = {anything, anything}},
    // bpf_task_storage_get_proto (kernel/bpf/bpf_task_storage.c); the _recur_ prototype of
    // recursion-prone tracing programs has the same shape.
    {.id = HelperId::TaskStorageGet,
     .name = "bpf_task_storage_get",
     .returns = mapValueOrNullReturn,
     .args = {mapPointer, btfId("task_struct", MaybeNull), mapValueOrNull, anything}},
    // bpf_task_storage_delete_proto (kernel/bpf/bpf_task_storage.c); _recur_: same shape.
    {.id = HelperId::TaskStorageDelete,
     .name = "bpf_task_storage_delete",
     .returns = integer,
     .args = {mapPointer, btfId("task_struct", MaybeNull)}},
    // bpf_get_current_task_btf_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::GetCurrentTaskBtf,
     .name = "bpf_get_current_task_btf",
     .returns = {.kind = ReturnKind::BtfId, .flags = ReturnTrusted, .btfType = "task_struct"},
     .gplOnly = true},
    // bpf_bprm_opts_set_proto (kernel/bpf/bpf_lsm.c)
    {.id = HelperId::BprmOptsSet,
     .name = "bpf_bprm_opts_set",
     .returns = integer,
     .args = {btfId("linux_binprm"), anything}},
    // bpf_ktime_get_coarse_ns_proto (kernel/bpf/helpers.c)
    {.id = HelperId::KtimeGetCoarseNs, .name = "bpf_ktime_get_coarse_ns", .returns = integer},
    // bpf_ima_inode_hash_proto (kernel/bpf/bpf_lsm.c); only for sleepable LSM hooks
    // (bpf_ima_inode_hash_allowed).
    {.id = HelperId::ImaInodeHash,
     .name = "bpf_ima_inode_hash",
     .returns = integer,
     .args = {btfId("inode"), uninitMemory, size},
     .mightSleep = true},
    // bpf_sock_from_file_proto (net/core/filter.c)
    {.id = HelperId::SockFromFile,
     .name = "bpf_sock_from_file",
     .returns = btfIdOrNull("socket"),
     .args = {btfId("file")}},
    // bpf_skb_check_mtu_proto (net/core/filter.c); bpf_xdp_check_mtu_proto: same shape.
    {.id = HelperId::CheckMtu,
     .name = "bpf_check_mtu",
     .returns = integer,
     .args = {context, anything, fixedMemory(4, Write | Aligned), anything, anything},
     .gplOnly = true},
    // bpf_for_each_map_elem_proto (kernel/bpf/bpf_iter.c)
    {.id = HelperId::ForEachMapElem,
     .name = "bpf_for_each_map_elem",
     .returns = integer,
     .args = {mapPointer, callbackFunction, stackOrNull, anything},
     .callback = HelperCallback::Synchronous},
    // bpf_snprintf_proto (kernel/bpf/helpers.c): the output is ARG_PTR_TO_MEM_OR_NULL |
    // MEM_WRITE ("bpf: Fix memory access flags in helper prototypes"); the format (R3) is a
    // constant string in a read-only map, checked against R5 (check_bpf_snprintf_call).
    {.id = HelperId::Snprintf,
     .name = "bpf_snprintf",
     .returns = integer,
     .args = {memory(MaybeNull | Write), sizeOrZero, constString, memory(MaybeNull | ReadOnly),
              sizeOrZero},
     .gplOnly = true},
    // bpf_sys_bpf_proto (kernel/bpf/syscall.c)
    {.id = HelperId::SysBpf,
     .name = "bpf_sys_bpf",
     .returns = integer,
     .args = {anything, readMemory, size},
     .mightSleep = true},
    // bpf_btf_find_by_name_kind_proto (kernel/bpf/btf.c)
    {.id = HelperId::BtfFindByNameKind,
     .name = "bpf_btf_find_by_name_kind",
     .returns = integer,
     .args = {readMemory, size, anything, anything},
     .mightSleep = true},
    // bpf_sys_close_proto (kernel/bpf/syscall.c)
    {.id = HelperId::SysClose,
     .name = "bpf_sys_close",
     .returns = integer,
     .args = {anything},
     .mightSleep = true},
    // bpf_timer_init_proto (kernel/bpf/helpers.c)
    {.id = HelperId::TimerInit,
     .name = "bpf_timer_init",
     .returns = integer,
     .args = {timer, mapPointer, anything},
     .gplOnly = true},
    // bpf_timer_set_callback_proto (kernel/bpf/helpers.c)
    {.id = HelperId::TimerSetCallback,
     .name = "bpf_timer_set_callback",
     .returns = integer,
     .args = {timer, callbackFunction},
     .gplOnly = true,
     .callback = HelperCallback::Asynchronous},
    // bpf_timer_start_proto (kernel/bpf/helpers.c)
    {.id = HelperId::TimerStart,
     .name = "bpf_timer_start",
     .returns = integer,
     .args = {timer, anything, anything},
     .gplOnly = true},
    // bpf_timer_cancel_proto (kernel/bpf/helpers.c)
    {.id = HelperId::TimerCancel,
     .name = "bpf_timer_cancel",
     .returns = integer,
     .args = {timer},
     .gplOnly = true},
    // bpf_get_func_ip_proto_kprobe (kernel/trace/bpf_trace.c); fentry/fexit get the
    // GPL-only _tracing one, kprobe.multi and uprobe.multi non-GPL ones (see the variants).
    {.id = HelperId::GetFuncIp,
     .name = "bpf_get_func_ip",
     .returns = integer,
     .args = {context},
     .gplOnly = true},
    // bpf_get_attach_cookie_proto_trace (kernel/trace/bpf_trace.c, tracepoints); every
    // program kind's prototype takes only the context.
    {.id = HelperId::GetAttachCookie,
     .name = "bpf_get_attach_cookie",
     .returns = integer,
     .args = {context}},
    // bpf_task_pt_regs_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::TaskPtRegs,
     .name = "bpf_task_pt_regs",
     .returns = {.kind = ReturnKind::BtfId, .btfType = "pt_regs"},
     .args = {btfId("task_struct")},
     .gplOnly = true},
    // bpf_get_branch_snapshot_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::GetBranchSnapshot,
     .name = "bpf_get_branch_snapshot",
     .returns = integer,
     .args = {uninitMemory, sizeOrZero},
     .gplOnly = true},
    // bpf_trace_vprintk_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::TraceVprintk,
     .name = "bpf_trace_vprintk",
     .returns = integer,
     .args = {readMemory, size, memory(MaybeNull | ReadOnly), sizeOrZero},
     .gplOnly = true},
    // bpf_skc_to_unix_sock_proto (net/core/filter.c). Not a ptr cast function for the
    // verifier: the result carries no reference of the argument.
    {.id = HelperId::SkcToUnixSock,
     .name = "bpf_skc_to_unix_sock",
     .returns = btfIdOrNull("unix_sock"),
     .args = {btfSockCommon}},
    // bpf_kallsyms_lookup_name_proto (kernel/bpf/syscall.c): the name is ARG_PTR_TO_MEM |
    // MEM_RDONLY ("bpf: Fix memory access flags in helper prototypes").
    {.id = HelperId::KallsymsLookupName,
     .name = "bpf_kallsyms_lookup_name",
     .returns = integer,
     .args = {readMemory, sizeOrZero, anything, fixedMemory(8, Uninit | Write | Aligned)}},
    // bpf_find_vma_proto (kernel/bpf/task_iter.c)
    {.id = HelperId::FindVma,
     .name = "bpf_find_vma",
     .returns = integer,
     .args = {btfId("task_struct"), anything, callbackFunction, stackOrNull, anything},
     .callback = HelperCallback::Synchronous},
    // bpf_loop_proto (kernel/bpf/bpf_iter.c): the count is ARG_ANYTHING in 6.18 (its BTF
    // has no ARG_SCALAR, which some stable trees use here).
    {.id = HelperId::Loop,
     .name = "bpf_loop",
     .returns = integer,
     .args = {anything, callbackFunction, stackOrNull, anything},
     .callback = HelperCallback::Synchronous},
    // bpf_strncmp_proto (kernel/bpf/helpers.c)
    {.id = HelperId::Strncmp,
     .name = "bpf_strncmp",
     .returns = integer,
     .args = {readMemory, size, constString}},
    // bpf_get_func_arg_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::GetFuncArg,
     .name = "bpf_get_func_arg",
     .returns = integer,
     .args = {context, anything, fixedMemory(8, Uninit | Write | Aligned)}},
    // bpf_get_func_ret_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::GetFuncRet,
     .name = "bpf_get_func_ret",
     .returns = integer,
     .args = {context, fixedMemory(8, Uninit | Write | Aligned)}},
    // bpf_get_func_arg_cnt_proto (kernel/trace/bpf_trace.c)
    {.id = HelperId::GetFuncArgCnt,
     .name = "bpf_get_func_arg_cnt",
     .returns = integer,
     .args = {context}},
    // bpf_get_retval_proto (kernel/bpf/cgroup.c)
    {.id = HelperId::GetRetval, .name = "bpf_get_retval", .returns = integer},
    // bpf_set_retval_proto (kernel/bpf/cgroup.c)
    {.id = HelperId::SetRetval, .name = "bpf_set_retval", .returns = integer, .args = {anything}},
    // bpf_xdp_get_buff_len_proto (net/core/filter.c); tracing programs get
    // bpf_xdp_get_buff_len_trace_proto (see the variants).
    {.id = HelperId::XdpGetBuffLen,
     .name = "bpf_xdp_get_buff_len",
     .returns = integer,
     .args = {context}},
    // bpf_xdp_load_bytes_proto (net/core/filter.c)
    {.id = HelperId::XdpLoadBytes,
     .name = "bpf_xdp_load_bytes",
     .returns = integer,
     .args = {context, anything, uninitMemory, size}},
    // bpf_xdp_store_bytes_proto (net/core/filter.c)
    {.id = HelperId::XdpStoreBytes,
     .name = "bpf_xdp_store_bytes",
     .returns = integer,
     .args = {context, anything, readMemory, size}},
    // bpf_copy_from_user_task_proto (kernel/bpf/helpers.c)
    {.id = HelperId::CopyFromUserTask,
     .name = "bpf_copy_from_user_task",
     .returns = integer,
     .args = {uninitMemory, sizeOrZero, anything, btfId("task_struct"), anything},
     .gplOnly = true,
     .mightSleep = true},
    // bpf_skb_set_tstamp_proto (net/core/filter.c)
    {.id = HelperId::SkbSetTstamp,
     .name = "bpf_skb_set_tstamp",
     .returns = integer,
     .args = {context, anything, anything}},
    // bpf_ima_file_hash_proto (kernel/bpf/bpf_lsm.c); sleepable LSM hooks only.
    {.id = HelperId::ImaFileHash,
     .name = "bpf_ima_file_hash",
     .returns = integer,
     .args = {btfId("file"), uninitMemory, size},
     .mightSleep = true},
    // bpf_kptr_xchg_proto (kernel/bpf/helpers.c): both the returned and the stored object's
    // type come from the kptr field R1 points to (BPF_PTR_POISON in the kernel's proto).
    {.id = HelperId::KptrXchg,
     .name = "bpf_kptr_xchg",
     .returns = {.kind = ReturnKind::BtfId, .flags = ReturnMaybeNull},
     .args = {arg(ArgKind::KptrExchangeDestination), arg(ArgKind::BtfId, MaybeNull | Release)},
     .acquiresReference = true},
    // bpf_map_lookup_percpu_elem_proto (kernel/bpf/helpers.c)
    {.id = HelperId::MapLookupPercpuElem,
     .name = "bpf_map_lookup_percpu_elem",
     .returns = mapValueOrNullReturn,
     .args = {mapPointer, mapKey, anything},
     .packetAccess = true},
    // bpf_skc_to_mptcp_sock_proto (net/core/filter.c): takes a PTR_TO_SOCK_COMMON.
    {.id = HelperId::SkcToMptcpSock,
     .name = "bpf_skc_to_mptcp_sock",
     .returns = btfIdOrNull("mptcp_sock"),
     .args = {sockCommon},
     .inheritsReference = true},
    // bpf_dynptr_from_mem_proto (kernel/bpf/helpers.c): the verifier accepts only a map
    // value as the memory (check_helper_call).
    {.id = HelperId::DynptrFromMem,
     .name = "bpf_dynptr_from_mem",
     .returns = integer,
     .args = {uninitMemory, sizeOrZero, anything, dynptr(DynptrLocal | Uninit | Write)}},
    // bpf_ringbuf_reserve_dynptr_proto (kernel/bpf/ringbuf.c): the dynptr it initialises
    // holds a reference (dynptr_type_refcounted), released by submit or discard.
    {.id = HelperId::RingbufReserveDynptr,
     .name = "bpf_ringbuf_reserve_dynptr",
     .returns = integer,
     .args = {mapPointer, anything, anything, dynptr(DynptrRingbuf | Uninit | Write)}},
    // bpf_ringbuf_submit_dynptr_proto (kernel/bpf/ringbuf.c)
    {.id = HelperId::RingbufSubmitDynptr,
     .name = "bpf_ringbuf_submit_dynptr",
     .returns = nothing,
     .args = {dynptr(DynptrRingbuf | Release), anything}},
    // bpf_ringbuf_discard_dynptr_proto (kernel/bpf/ringbuf.c)
    {.id = HelperId::RingbufDiscardDynptr,
     .name = "bpf_ringbuf_discard_dynptr",
     .returns = nothing,
     .args = {dynptr(DynptrRingbuf | Release), anything}},
    // bpf_dynptr_read_proto (kernel/bpf/helpers.c)
    {.id = HelperId::DynptrRead,
     .name = "bpf_dynptr_read",
     .returns = integer,
     .args = {uninitMemory, sizeOrZero, dynptr(ReadOnly), anything, anything}},
    // bpf_dynptr_write_proto (kernel/bpf/helpers.c): on an skb dynptr the verifier treats
    // the call as changing packet data (check_helper_call), which depends on the dynptr.
    {.id = HelperId::DynptrWrite,
     .name = "bpf_dynptr_write",
     .returns = integer,
     .args = {dynptr(ReadOnly), anything, readMemory, sizeOrZero, anything}},
    // bpf_dynptr_data_proto (kernel/bpf/helpers.c): RET_PTR_TO_DYNPTR_MEM_OR_NULL of the
    // constant size in R3, tied to the dynptr (and to its reference, if any).
    {.id = HelperId::DynptrData,
     .name = "bpf_dynptr_data",
     .returns = {.kind = ReturnKind::DynptrMemory, .flags = ReturnMaybeNull, .sizeArgument = 3},
     .args = {dynptr(ReadOnly), anything, allocSizeOrZero},
     .inheritsReference = true},
    // bpf_tcp_raw_gen_syncookie_ipv4_proto (net/core/filter.c): sizeof(struct iphdr); both
    // buffers MEM_RDONLY since "bpf: Fix memory access flags in helper prototypes".
    {.id = HelperId::TcpRawGenSyncookieIpv4,
     .name = "bpf_tcp_raw_gen_syncookie_ipv4",
     .returns = integer,
     .args = {fixedMemory(20, ReadOnly), readMemory, sizeOrZero},
     .gplOnly = true,
     .packetAccess = true},
    // bpf_tcp_raw_gen_syncookie_ipv6_proto (net/core/filter.c): sizeof(struct ipv6hdr); both
    // buffers MEM_RDONLY since "bpf: Fix memory access flags in helper prototypes".
    {.id = HelperId::TcpRawGenSyncookieIpv6,
     .name = "bpf_tcp_raw_gen_syncookie_ipv6",
     .returns = integer,
     .args = {fixedMemory(40, ReadOnly), readMemory, sizeOrZero},
     .gplOnly = true,
     .packetAccess = true},
    // bpf_tcp_raw_check_syncookie_ipv4_proto (net/core/filter.c): iphdr, tcphdr, read-only.
    {.id = HelperId::TcpRawCheckSyncookieIpv4,
     .name = "bpf_tcp_raw_check_syncookie_ipv4",
     .returns = integer,
     .args = {fixedMemory(20, ReadOnly), fixedMemory(20, ReadOnly)},
     .gplOnly = true,
     .packetAccess = true},
    // bpf_tcp_raw_check_syncookie_ipv6_proto (net/core/filter.c): ipv6hdr, tcphdr, read-only.
    {.id = HelperId::TcpRawCheckSyncookieIpv6,
     .name = "bpf_tcp_raw_check_syncookie_ipv6",
     .returns = integer,
     .args = {fixedMemory(40, ReadOnly), fixedMemory(20, ReadOnly)},
     .gplOnly = true,
     .packetAccess = true},
    // bpf_ktime_get_tai_ns_proto (kernel/bpf/helpers.c)
    {.id = HelperId::KtimeGetTaiNs, .name = "bpf_ktime_get_tai_ns", .returns = integer},
    // bpf_user_ringbuf_drain_proto (kernel/bpf/ringbuf.c)
    {.id = HelperId::UserRingbufDrain,
     .name = "bpf_user_ringbuf_drain",
     .returns = integer,
     .args = {mapPointer, callbackFunction, stackOrNull, anything},
     .callback = HelperCallback::Synchronous},
    // bpf_cgrp_storage_get_proto (kernel/bpf/bpf_cgrp_storage.c)
    {.id = HelperId::CgrpStorageGet,
     .name = "bpf_cgrp_storage_get",
     .returns = mapValueOrNullReturn,
     .args = {mapPointer, btfId("cgroup", MaybeNull), mapValueOrNull, anything}},
    // bpf_cgrp_storage_delete_proto (kernel/bpf/bpf_cgrp_storage.c)
    {.id = HelperId::CgrpStorageDelete,
     .name = "bpf_cgrp_storage_delete",
     .returns = integer,
     .args = {mapPointer, btfId("cgroup", MaybeNull)}},
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
