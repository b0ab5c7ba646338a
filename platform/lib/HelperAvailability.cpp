// Which helpers each program type may call in Linux 6.18, for a privileged loader.
//
// The kernel answers this question in each program type's `get_func_proto` callback: a chain
// of `switch` statements that grant a few type-specific helpers and then fall through to a
// shared layer (`bpf_sk_base_func_proto`, `bpf_tracing_func_proto`, `bpf_base_func_proto`,
// …). A helper is available when that callback returns a prototype (the verifier's
// `get_helper_proto`) and the prototype's `allowed` callback, if any, accepts the program
// (otherwise the verifier says "helper call is not allowed in probe").
//
// The verifier then refuses bpf_get_func_ip outside kprobes and trampolines whatever its
// arguments (check_get_func_ip); the table counts that as unavailable too. A prototype that
// may sleep is still available: whether the program is sleepable is the program's property,
// checked against HelperPrototype::mightSleep.
//
// Here the same facts are data:
//   * named helper sets, one per layer of the kernel (each named after the kernel function
//     whose `switch` grants it);
//   * one row per program type: the sets it falls through to, plus attach rules for the
//     helpers whose availability depends on the expected attach type.
// A helper that a row's attach rules mention is available exactly when one of those rules
// holds (the rules take precedence over the sets, as the kernel's type-specific `case`
// takes precedence over the layer it falls through to); any other helper is available when
// one of the row's sets holds it.
//
// Facts are those of Linux 6.18 with the usual distribution configuration (CONFIG_INET,
// CONFIG_XFRM, CONFIG_SYN_COOKIES, CONFIG_IPV6_SEG6_BPF, CONFIG_CGROUP_NET_CLASSID,
// CONFIG_SOCK_CGROUP_DATA, CONFIG_BPF_KPROBE_OVERRIDE, CONFIG_ARCH_HAS_NON_OVERLAPPING_
// ADDRESS_SPACE as on x86-64), a loader with CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN (root),
// and no kernel lockdown (integrity lockdown removes bpf_probe_write_user, confidentiality
// lockdown also bpf_probe_read_kernel{,_str} and bpf_probe_read{,_str}).
//
// What an attach type cannot express, and so is not in the table:
//   * struct_ops: the callbacks depend on the struct; the row describes
//     `tcp_congestion_ops` (bpf_tcp_ca_get_func_proto), whose `release` member additionally
//     may not call bpf_setsockopt / bpf_getsockopt;
//   * tracing iterators: the `tcp` and `unix` iterators also grant bpf_setsockopt and
//     bpf_getsockopt (bpf_iter_get_func_proto);
//   * bpf_d_path in fentry/fexit/fmod_ret only for the kernel functions on its allowlist, in
//     LSM only for sleepable hooks; bpf_ima_*_hash only for sleepable LSM hooks;
//     LSM bpf_setsockopt / bpf_getsockopt only for the socket hooks the kernel lists;
//   * ext (freplace) programs take the helpers of the program they replace (the verifier
//     resolves the type first), so the table answers for them as for no type at all.
#include "bpfcheck/platform/HelperAvailability.h"

#include <algorithm>
#include <span>

namespace bpfcheck {
namespace {

using H = HelperId;
using A = AttachType;
using HelperSet = std::span<const HelperId>;
using AttachSet = std::span<const AttachType>;

// ---------------------------------------------------------------------------------------
// The shared layers.
// ---------------------------------------------------------------------------------------

/// bpf_base_func_proto (kernel/bpf/helpers.c), first switch: every program, any loader.
constexpr HelperId BaseAnyLoader[] = {
    H::MapLookupElem,
    H::MapUpdateElem,
    H::MapDeleteElem,
    H::MapPushElem,
    H::MapPopElem,
    H::MapPeekElem,
    H::MapLookupPercpuElem,
    H::GetPrandomU32,
    H::GetSmpProcessorId,
    H::GetNumaNodeId,
    H::TailCall,
    H::KtimeGetNs,
    H::KtimeGetBootNs,
    H::KtimeGetTaiNs,
    H::RingbufOutput,
    H::RingbufReserve,
    H::RingbufSubmit,
    H::RingbufDiscard,
    H::RingbufQuery,
    H::Strncmp,
    H::Strtol,
    H::Strtoul,
    H::GetCurrentPidTgid,
    H::GetNsCurrentPidTgid,
    H::GetCurrentUidGid,
};

/// bpf_base_func_proto, second switch: loaders with CAP_BPF. It also holds the task and
/// cgroup helpers that until 2025 only tracing and cgroup programs were granted.
constexpr HelperId BaseCapBpf[] = {
    H::SpinLock,
    H::SpinUnlock,
    H::Jiffies64,
    H::PerCpuPtr,
    H::ThisCpuPtr,
    H::TimerInit,
    H::TimerSetCallback,
    H::TimerStart,
    H::TimerCancel,
    H::KptrXchg,
    H::ForEachMapElem,
    H::Loop,
    H::UserRingbufDrain,
    H::RingbufReserveDynptr,
    H::RingbufSubmitDynptr,
    H::RingbufDiscardDynptr,
    H::DynptrFromMem,
    H::DynptrRead,
    H::DynptrWrite,
    H::DynptrData,
    H::CgrpStorageGet,
    H::CgrpStorageDelete,
    H::GetCurrentCgroupId,
    H::GetCurrentAncestorCgroupId,
    H::CurrentTaskUnderCgroup,
    H::GetCgroupClassid,
    H::TaskStorageGet,
    H::TaskStorageDelete,
};

/// bpf_base_func_proto, third switch: loaders with CAP_PERFMON (the probe_read_kernel pair
/// unless lockdown forbids reading kernel memory).
constexpr HelperId BaseCapPerfmon[] = {
    H::TracePrintk,   H::GetCurrentTask,   H::GetCurrentTaskBtf,  H::GetCurrentComm,
    H::ProbeReadUser, H::ProbeReadKernel,  H::ProbeReadUserStr,   H::ProbeReadKernelStr,
    H::CopyFromUser,  H::CopyFromUserTask, H::SnprintfBtf,        H::Snprintf,
    H::TaskPtRegs,    H::TraceVprintk,     H::PerfEventReadValue, H::PerfEventRead,
    H::SendSignal,    H::SendSignalThread, H::GetTaskStack,       H::GetBranchSnapshot,
    H::FindVma,
};

/// bpf_sk_base_func_proto (net/core/filter.c): the socket casts (CAP_PERFMON) and the
/// coarse clock, in front of the base layer for most networking types.
constexpr HelperId SocketBase[] = {
    H::SkcToTcp6Sock, H::SkcToTcpSock,  H::SkcToTcpTimewaitSock, H::SkcToTcpRequestSock,
    H::SkcToUdp6Sock, H::SkcToUnixSock, H::SkcToMptcpSock,       H::KtimeGetCoarseNs,
};

/// cgroup_common_func_proto (kernel/bpf/cgroup.c); bpf_get_retval / bpf_set_retval are
/// restricted by attach type (NoRetvalAttachTypes).
constexpr HelperId CgroupCommon[] = {H::GetLocalStorage};
constexpr HelperId CgroupRetval[] = {H::GetRetval, H::SetRetval};
/// The cgroup hooks whose return value is not an errno, where the retval helpers are absent.
constexpr AttachType NoRetvalAttachTypes[] = {
    A::CgroupInetIngress,      A::CgroupInetEgress,       A::CgroupSockOps,
    A::CgroupUdp4Recvmsg,      A::CgroupUdp6Recvmsg,      A::CgroupUnixRecvmsg,
    A::CgroupInet4Getpeername, A::CgroupInet6Getpeername, A::CgroupUnixGetpeername,
    A::CgroupInet4Getsockname, A::CgroupInet6Getsockname, A::CgroupUnixGetsockname,
};

/// bpf_tracing_func_proto (kernel/trace/bpf_trace.c): the layer under every tracing type.
/// bpf_probe_write_user needs CAP_SYS_ADMIN and no lockdown (LOCKDOWN_BPF_WRITE_USER is an
/// integrity reason); bpf_probe_read{,_str} exist on architectures with separate user and
/// kernel address spaces (x86-64). The layer also returns a bpf_get_func_ip prototype, but
/// check_helper_call then refuses the call (check_get_func_ip) in every program that is
/// neither a kprobe nor a trampoline (fentry/fexit/fmod_ret), so the helper is listed only
/// where it works: in Kprobe and in the tracing rules.
constexpr HelperId TracingBase[] = {
    H::GetSmpProcessorId,
    H::ProbeRead,
    H::ProbeReadStr,
    H::ProbeWriteUser,
};

/// Perf output, stacks and the attach cookie: all of raw_tp_prog_func_proto (raw
/// tracepoints, and under tracing_prog_func_proto) and all of tp_prog_func_proto; part of
/// kprobe_prog_func_proto and pe_prog_func_proto.
constexpr HelperId TraceEventOutput[] = {
    H::PerfEventOutput,
    H::GetStackid,
    H::GetStack,
    H::GetAttachCookie,
};

/// tracing_prog_func_proto: BTF-typed tracing (and, below them, LSM and syscall programs).
constexpr HelperId TracingProgram[] = {
    H::SkbOutput,
    H::XdpOutput,
    H::SkcToTcp6Sock,
    H::SkcToTcpSock,
    H::SkcToTcpTimewaitSock,
    H::SkcToTcpRequestSock,
    H::SkcToUdp6Sock,
    H::SkcToUnixSock,
    H::SkcToMptcpSock,
    H::SockFromFile,
    H::GetSocketCookie,
    H::XdpGetBuffLen,
};

// ---------------------------------------------------------------------------------------
// The type-specific layers.
// ---------------------------------------------------------------------------------------

/// sk_filter_func_proto.
constexpr HelperId SocketFilter[] = {
    H::SkbLoadBytes,   H::SkbLoadBytesRelative, H::GetSocketCookie,
    H::GetNetnsCookie, H::GetSocketUid,         H::PerfEventOutput,
};

/// cg_skb_func_proto (falls through to sk_filter_func_proto).
constexpr HelperId CgroupSkb[] = {
    H::SkFullsock,  H::SkStorageGet,        H::SkStorageDelete, H::PerfEventOutput,
    H::SkbCgroupId, H::SkbAncestorCgroupId, H::SkCgroupId,      H::SkAncestorCgroupId,
    H::SkLookupTcp, H::SkLookupUdp,         H::SkRelease,       H::SkcLookupTcp,
    H::TcpSock,     H::GetListenerSock,     H::SkbEcnSetCe,
};

/// tc_cls_act_func_proto: sched_cls and sched_act.
constexpr HelperId TrafficControl[] = {
    H::SkbStoreBytes,
    H::SkbLoadBytes,
    H::SkbLoadBytesRelative,
    H::SkbPullData,
    H::CsumDiff,
    H::CsumUpdate,
    H::CsumLevel,
    H::L3CsumReplace,
    H::L4CsumReplace,
    H::CloneRedirect,
    H::GetCgroupClassid,
    H::SkbVlanPush,
    H::SkbVlanPop,
    H::SkbChangeProto,
    H::SkbChangeType,
    H::SkbAdjustRoom,
    H::SkbChangeTail,
    H::SkbChangeHead,
    H::SkbGetTunnelKey,
    H::SkbSetTunnelKey,
    H::SkbGetTunnelOpt,
    H::SkbSetTunnelOpt,
    H::Redirect,
    H::RedirectNeigh,
    H::RedirectPeer,
    H::GetRouteRealm,
    H::GetHashRecalc,
    H::SetHashInvalid,
    H::SetHash,
    H::PerfEventOutput,
    H::GetSmpProcessorId,
    H::SkbUnderCgroup,
    H::GetSocketCookie,
    H::GetNetnsCookie,
    H::GetSocketUid,
    H::FibLookup,
    H::CheckMtu,
    H::SkFullsock,
    H::SkStorageGet,
    H::SkStorageDelete,
    H::SkbGetXfrmState,
    H::SkbCgroupClassid,
    H::SkbCgroupId,
    H::SkbAncestorCgroupId,
    H::SkLookupTcp,
    H::SkLookupUdp,
    H::SkRelease,
    H::TcpSock,
    H::GetListenerSock,
    H::SkcLookupTcp,
    H::TcpCheckSyncookie,
    H::SkbEcnSetCe,
    H::TcpGenSyncookie,
    H::SkAssign,
    H::SkbSetTstamp,
    H::TcpRawGenSyncookieIpv4,
    H::TcpRawGenSyncookieIpv6,
    H::TcpRawCheckSyncookieIpv4,
    H::TcpRawCheckSyncookieIpv6,
};

/// xdp_func_proto.
constexpr HelperId Xdp[] = {
    H::PerfEventOutput,
    H::GetSmpProcessorId,
    H::CsumDiff,
    H::XdpAdjustHead,
    H::XdpAdjustMeta,
    H::Redirect,
    H::RedirectMap,
    H::XdpAdjustTail,
    H::XdpGetBuffLen,
    H::XdpLoadBytes,
    H::XdpStoreBytes,
    H::FibLookup,
    H::CheckMtu,
    H::SkLookupUdp,
    H::SkLookupTcp,
    H::SkRelease,
    H::SkcLookupTcp,
    H::TcpCheckSyncookie,
    H::TcpGenSyncookie,
    H::TcpRawGenSyncookieIpv4,
    H::TcpRawGenSyncookieIpv6,
    H::TcpRawCheckSyncookieIpv4,
    H::TcpRawCheckSyncookieIpv6,
};

/// sock_ops_func_proto.
constexpr HelperId SockOps[] = {
    H::Setsockopt,      H::Getsockopt,      H::SockOpsCbFlagsSet, H::SockMapUpdate,
    H::SockHashUpdate,  H::GetSocketCookie, H::PerfEventOutput,   H::SkStorageGet,
    H::SkStorageDelete, H::GetNetnsCookie,  H::LoadHdrOpt,        H::StoreHdrOpt,
    H::ReserveHdrOpt,   H::TcpSock,
};

/// sk_msg_func_proto.
constexpr HelperId SkMsg[] = {
    H::MsgRedirectMap, H::MsgRedirectHash, H::MsgApplyBytes,  H::MsgCorkBytes,
    H::MsgPullData,    H::MsgPushData,     H::MsgPopData,     H::PerfEventOutput,
    H::SkStorageGet,   H::SkStorageDelete, H::GetNetnsCookie,
};

/// sk_skb_func_proto.
constexpr HelperId SkSkb[] = {
    H::SkbStoreBytes,   H::SkbLoadBytes,    H::SkbPullData,  H::SkbChangeTail, H::SkbChangeHead,
    H::SkbAdjustRoom,   H::GetSocketCookie, H::GetSocketUid, H::SkRedirectMap, H::SkRedirectHash,
    H::PerfEventOutput, H::SkLookupTcp,     H::SkLookupUdp,  H::SkRelease,     H::SkcLookupTcp,
};

/// flow_dissector_func_proto.
constexpr HelperId FlowDissector[] = {H::SkbLoadBytes};

/// lwt_out_func_proto: lwt_out, and under lwt_in, lwt_xmit and lwt_seg6local.
constexpr HelperId LwtOut[] = {
    H::SkbLoadBytes,     H::SkbPullData,       H::CsumDiff,
    H::GetCgroupClassid, H::GetRouteRealm,     H::GetHashRecalc,
    H::PerfEventOutput,  H::GetSmpProcessorId, H::SkbUnderCgroup,
};
/// lwt_in_func_proto.
constexpr HelperId LwtIn[] = {H::LwtPushEncap};
/// lwt_xmit_func_proto.
constexpr HelperId LwtXmit[] = {
    H::SkbGetTunnelKey, H::SkbSetTunnelKey, H::SkbGetTunnelOpt, H::SkbSetTunnelOpt, H::Redirect,
    H::CloneRedirect,   H::SkbChangeTail,   H::SkbChangeHead,   H::SkbStoreBytes,   H::CsumUpdate,
    H::CsumLevel,       H::L3CsumReplace,   H::L4CsumReplace,   H::SetHashInvalid,  H::LwtPushEncap,
};
/// lwt_seg6local_func_proto.
constexpr HelperId LwtSeg6local[] = {H::LwtSeg6StoreBytes, H::LwtSeg6Action, H::LwtSeg6AdjustSrh};

/// sock_filter_func_proto: cgroup_sock (no bpf_sk_storage_delete, no socket casts).
constexpr HelperId CgroupSock[] = {
    H::GetSocketCookie, H::GetNetnsCookie, H::PerfEventOutput, H::SkStorageGet, H::KtimeGetCoarseNs,
};

/// sock_addr_func_proto; bpf_bind and bpf_{set,get}sockopt are restricted by attach type.
constexpr HelperId CgroupSockAddr[] = {
    H::GetSocketCookie, H::GetNetnsCookie, H::PerfEventOutput, H::SkLookupTcp,     H::SkLookupUdp,
    H::SkRelease,       H::SkcLookupTcp,   H::SkStorageGet,    H::SkStorageDelete,
};
constexpr HelperId Bind[] = {H::Bind};
constexpr AttachType ConnectAttachTypes[] = {A::CgroupInet4Connect, A::CgroupInet6Connect};
constexpr HelperId SocketOptions[] = {H::Setsockopt, H::Getsockopt};
/// Every sock_addr hook may use bpf_setsockopt / bpf_getsockopt.
constexpr AttachType SockAddrAttachTypes[] = {
    A::CgroupInet4Bind,        A::CgroupInet6Bind,       A::CgroupInet4Connect,
    A::CgroupInet6Connect,     A::CgroupUnixConnect,     A::CgroupUdp4Recvmsg,
    A::CgroupUdp6Recvmsg,      A::CgroupUnixRecvmsg,     A::CgroupUdp4Sendmsg,
    A::CgroupUdp6Sendmsg,      A::CgroupUnixSendmsg,     A::CgroupInet4Getpeername,
    A::CgroupInet6Getpeername, A::CgroupUnixGetpeername, A::CgroupInet4Getsockname,
    A::CgroupInet6Getsockname, A::CgroupUnixGetsockname,
};

/// sk_reuseport_func_proto (directly on the base layer).
constexpr HelperId SkReuseport[] = {
    H::SkSelectReuseport, H::SkbLoadBytes,     H::SkbLoadBytesRelative,
    H::GetSocketCookie,   H::KtimeGetCoarseNs,
};

/// sk_lookup_func_proto.
constexpr HelperId SkLookup[] = {H::PerfEventOutput, H::SkAssign, H::SkRelease};

/// cgroup_dev_func_proto.
constexpr HelperId CgroupDevice[] = {H::PerfEventOutput};

/// sysctl_func_proto.
constexpr HelperId CgroupSysctl[] = {
    H::SysctlGetName,     H::SysctlGetCurrentValue, H::SysctlGetNewValue,
    H::SysctlSetNewValue, H::KtimeGetCoarseNs,      H::PerfEventOutput,
};

/// cg_sockopt_func_proto; bpf_{set,get}sockopt only for the setsockopt hook.
constexpr HelperId CgroupSockopt[] = {
    H::GetNetnsCookie, H::SkStorageGet, H::SkStorageDelete, H::TcpSock, H::PerfEventOutput,
};
constexpr AttachType SetsockoptAttachTypes[] = {A::CgroupSetsockopt};

/// kprobe_prog_func_proto (kprobes, uprobes, kprobe/uprobe multi and sessions).
/// bpf_override_return needs CONFIG_BPF_KPROBE_OVERRIDE. The rest is TraceEventOutput.
constexpr HelperId Kprobe[] = {H::OverrideReturn, H::GetFuncIp};

/// pe_prog_func_proto; the rest is TraceEventOutput.
constexpr HelperId PerfEvent[] = {
    H::PerfProgReadValue,
    H::ReadBranchRecords,
};

/// tracing_prog_func_proto, the helpers that depend on the attach type.
constexpr HelperId SeqFile[] = {H::SeqPrintf, H::SeqWrite, H::SeqPrintfBtf};
constexpr AttachType IteratorAttachTypes[] = {A::TraceIter};
constexpr HelperId FunctionArguments[] = {H::GetFuncArg, H::GetFuncRet, H::GetFuncArgCnt};
/// check_get_func_ip: a tracing program may call bpf_get_func_ip only with a trampoline.
constexpr HelperId FunctionIp[] = {H::GetFuncIp};
/// bpf_prog_has_trampoline() for tracing programs.
constexpr AttachType TrampolineAttachTypes[] = {A::TraceFentry, A::TraceFexit, A::ModifyReturn};
constexpr HelperId AttachCookie[] = {H::GetAttachCookie};
constexpr AttachType CookieAttachTypes[] = {
    A::TraceRawTp,
    A::TraceFentry,
    A::TraceFexit,
    A::ModifyReturn,
};
/// The tracing flavour of bpf_sk_storage_{get,delete}, whose `allowed` callback admits
/// iterators, tp_btf and fentry/fexit (not fmod_ret).
constexpr HelperId SocketStorage[] = {H::SkStorageGet, H::SkStorageDelete};
constexpr AttachType SocketStorageAttachTypes[] = {
    A::TraceIter,
    A::TraceRawTp,
    A::TraceFentry,
    A::TraceFexit,
};
/// bpf_d_path's `allowed` callback: iterators, and trampolines on allowlisted functions.
constexpr HelperId DPath[] = {H::DPath};
constexpr AttachType DPathAttachTypes[] = {
    A::TraceIter,
    A::TraceFentry,
    A::TraceFexit,
    A::ModifyReturn,
};

/// bpf_lsm_func_proto (in front of tracing_prog_func_proto).
constexpr HelperId Lsm[] = {
    H::InodeStorageGet, H::InodeStorageDelete, H::SkStorageGet, H::SkStorageDelete, H::SpinLock,
    H::SpinUnlock,      H::BprmOptsSet,        H::ImaInodeHash, H::ImaFileHash,
};
constexpr AttachType LsmCgroupAttachTypes[] = {A::LsmCgroup};
constexpr AttachType LsmTrampolineAttachTypes[] = {A::LsmMac};
constexpr AttachType LsmAttachTypes[] = {A::LsmMac, A::LsmCgroup};

/// syscall_prog_func_proto (in front of tracing_prog_func_proto; bpf_sys_bpf with
/// CAP_PERFMON).
constexpr HelperId Syscall[] = {
    H::SysBpf,
    H::BtfFindByNameKind,
    H::SysClose,
    H::KallsymsLookupName,
};

/// bpf_tcp_ca_get_func_proto: struct_ops programs of `tcp_congestion_ops`.
constexpr HelperId TcpCongestionOps[] = {
    H::TcpSendAck, H::SkStorageGet, H::SkStorageDelete,
    H::Setsockopt, H::Getsockopt,   H::KtimeGetCoarseNs,
};

/// lirc_mode2_func_proto: its own short list, not the base layer (bpf_trace_printk with
/// CAP_PERFMON).
constexpr HelperId LircMode2[] = {
    H::RcRepeat,       H::RcKeydown,   H::RcPointerRel,  H::MapLookupElem, H::MapUpdateElem,
    H::MapDeleteElem,  H::MapPushElem, H::MapPopElem,    H::MapPeekElem,   H::KtimeGetNs,
    H::KtimeGetBootNs, H::TailCall,    H::GetPrandomU32, H::TracePrintk,
};

// ---------------------------------------------------------------------------------------
// The rows.
// ---------------------------------------------------------------------------------------

/// Helpers whose availability depends on the expected attach type: available exactly when
/// the attach type is (OnlyFor) or is not (ExceptFor) one of `attachTypes`.
struct AttachRule {
  enum Kind { OnlyFor, ExceptFor };
  HelperSet helpers;
  Kind kind;
  AttachSet attachTypes;

  bool holds(AttachType attach) const {
    const bool listed = std::ranges::find(attachTypes, attach) != attachTypes.end();
    return kind == OnlyFor ? listed : !listed;
  }
};

struct ProgramRow {
  ProgramType type;
  std::span<const HelperSet> sets; ///< above the base layer
  std::span<const AttachRule> rules = {};
  bool fallsThroughToBase = true; ///< the last layer is bpf_base_func_proto
};

constexpr AttachSet Never = {};

/// bpf_base_func_proto: for a privileged loader, all three of its switches.
constexpr HelperSet BaseLayer[] = {BaseAnyLoader, BaseCapBpf, BaseCapPerfmon};

/// Each row's own layers, in the kernel's fall-through order, above the base layer.
constexpr HelperSet SocketFilterSets[] = {SocketFilter, SocketBase};
constexpr HelperSet TrafficControlSets[] = {TrafficControl, SocketBase};
constexpr HelperSet XdpSets[] = {Xdp, SocketBase};
constexpr HelperSet CgroupSkbSets[] = {CgroupCommon, CgroupRetval, CgroupSkb, SocketFilter,
                                       SocketBase};
constexpr HelperSet CgroupSockSets[] = {CgroupCommon, CgroupRetval, CgroupSock};
constexpr HelperSet LwtInSets[] = {LwtIn, LwtOut, SocketBase};
constexpr HelperSet LwtOutSets[] = {LwtOut, SocketBase};
constexpr HelperSet LwtXmitSets[] = {LwtXmit, LwtOut, SocketBase};
constexpr HelperSet LwtSeg6localSets[] = {LwtSeg6local, LwtOut, SocketBase};
constexpr HelperSet SockOpsSets[] = {CgroupCommon, CgroupRetval, SockOps, SocketBase};
constexpr HelperSet SkSkbSets[] = {SkSkb, SocketBase};
constexpr HelperSet SkMsgSets[] = {SkMsg, SocketBase};
constexpr HelperSet FlowDissectorSets[] = {FlowDissector, SocketBase};
constexpr HelperSet CgroupSockAddrSets[] = {CgroupCommon, CgroupRetval, CgroupSockAddr, SocketBase};
constexpr HelperSet SkReuseportSets[] = {SkReuseport};
constexpr HelperSet SkLookupSets[] = {SkLookup, SocketBase};
constexpr HelperSet CgroupDeviceSets[] = {CgroupCommon, CgroupRetval, CgroupDevice};
constexpr HelperSet CgroupSysctlSets[] = {CgroupCommon, CgroupRetval, CgroupSysctl};
constexpr HelperSet CgroupSockoptSets[] = {CgroupCommon, CgroupRetval, CgroupSockopt};
constexpr HelperSet KprobeSets[] = {Kprobe, TraceEventOutput, TracingBase};
constexpr HelperSet TracepointSets[] = {TraceEventOutput, TracingBase};
constexpr HelperSet PerfEventSets[] = {PerfEvent, TraceEventOutput, TracingBase};
constexpr HelperSet RawTracepointSets[] = {TraceEventOutput, TracingBase};
constexpr HelperSet TracingSets[] = {TracingProgram, TraceEventOutput, TracingBase};
constexpr HelperSet LsmSets[] = {Lsm, TracingProgram, TraceEventOutput, TracingBase};
constexpr HelperSet SyscallSets[] = {Syscall, TracingProgram, TraceEventOutput, TracingBase};
constexpr HelperSet StructOpsSets[] = {TcpCongestionOps};
constexpr HelperSet LircMode2Sets[] = {LircMode2};

/// cgroup_common_func_proto's rule, shared by every cgroup type.
constexpr AttachRule CgroupRules[] = {{CgroupRetval, AttachRule::ExceptFor, NoRetvalAttachTypes}};
constexpr AttachRule CgroupSockAddrRules[] = {
    {CgroupRetval, AttachRule::ExceptFor, NoRetvalAttachTypes},
    {Bind, AttachRule::OnlyFor, ConnectAttachTypes},
    {SocketOptions, AttachRule::OnlyFor, SockAddrAttachTypes},
};
constexpr AttachRule CgroupSockoptRules[] = {
    {CgroupRetval, AttachRule::ExceptFor, NoRetvalAttachTypes},
    {SocketOptions, AttachRule::OnlyFor, SetsockoptAttachTypes},
};
constexpr AttachRule TracingRules[] = {
    {SeqFile, AttachRule::OnlyFor, IteratorAttachTypes},
    {FunctionArguments, AttachRule::OnlyFor, TrampolineAttachTypes},
    {FunctionIp, AttachRule::OnlyFor, TrampolineAttachTypes},
    {AttachCookie, AttachRule::OnlyFor, CookieAttachTypes},
    {SocketStorage, AttachRule::OnlyFor, SocketStorageAttachTypes},
    {DPath, AttachRule::OnlyFor, DPathAttachTypes},
};
constexpr AttachRule LsmRules[] = {
    {CgroupCommon, AttachRule::OnlyFor, LsmCgroupAttachTypes},
    {CgroupRetval, AttachRule::OnlyFor, LsmCgroupAttachTypes},
    {SocketOptions, AttachRule::OnlyFor, LsmCgroupAttachTypes},
    {AttachCookie, AttachRule::OnlyFor, LsmTrampolineAttachTypes},
    {FunctionArguments, AttachRule::OnlyFor, LsmTrampolineAttachTypes},
    {DPath, AttachRule::OnlyFor, LsmAttachTypes},
};
/// A syscall program is no tracing program and has no trampoline: tracing_prog_func_proto
/// refuses it the cookie, and the `allowed` callbacks of bpf_d_path and the tracing
/// bpf_sk_storage_* refuse it too (those are in no syscall set).
constexpr AttachRule SyscallRules[] = {{AttachCookie, AttachRule::OnlyFor, Never}};

constexpr ProgramRow Rows[] = {
    {ProgramType::SocketFilter, SocketFilterSets},
    {ProgramType::Kprobe, KprobeSets},
    {ProgramType::SchedCls, TrafficControlSets},
    {ProgramType::SchedAct, TrafficControlSets},
    {ProgramType::Tracepoint, TracepointSets},
    {ProgramType::Xdp, XdpSets},
    {ProgramType::PerfEvent, PerfEventSets},
    {ProgramType::CgroupSkb, CgroupSkbSets, CgroupRules},
    {ProgramType::CgroupSock, CgroupSockSets, CgroupRules},
    {ProgramType::LwtIn, LwtInSets},
    {ProgramType::LwtOut, LwtOutSets},
    {ProgramType::LwtXmit, LwtXmitSets},
    {ProgramType::SockOps, SockOpsSets, CgroupRules},
    {ProgramType::SkSkb, SkSkbSets},
    {ProgramType::CgroupDevice, CgroupDeviceSets, CgroupRules},
    {ProgramType::SkMsg, SkMsgSets},
    {ProgramType::RawTracepoint, RawTracepointSets},
    {ProgramType::CgroupSockAddr, CgroupSockAddrSets, CgroupSockAddrRules},
    {ProgramType::LwtSeg6local, LwtSeg6localSets},
    {ProgramType::LircMode2, LircMode2Sets, {}, /*fallsThroughToBase=*/false},
    {ProgramType::SkReuseport, SkReuseportSets},
    {ProgramType::FlowDissector, FlowDissectorSets},
    {ProgramType::CgroupSysctl, CgroupSysctlSets, CgroupRules},
    {ProgramType::RawTracepointWritable, RawTracepointSets},
    {ProgramType::CgroupSockopt, CgroupSockoptSets, CgroupSockoptRules},
    {ProgramType::Tracing, TracingSets, TracingRules},
    {ProgramType::StructOps, StructOpsSets},
    {ProgramType::Lsm, LsmSets, LsmRules},
    {ProgramType::SkLookup, SkLookupSets},
    {ProgramType::Syscall, SyscallSets, SyscallRules},
    {ProgramType::Netfilter, {}}, // bpf_nf_func_proto: the base layer alone
};

bool contains(HelperSet set, HelperId helper) {
  return std::ranges::find(set, helper) != set.end();
}

/// The attach type the kernel records when the loader gives none: cgroup_sock programs
/// default to socket creation (bpf_prog_load_fixup_attach_type), every other type keeps 0.
AttachType defaultAttachType(ProgramType type) {
  return type == ProgramType::CgroupSock ? AttachType::CgroupInetSockCreate : AttachType{0};
}

} // namespace

bool helperAvailable(HelperId helper, ProgramType type, std::optional<AttachType> attach) {
  const auto row = std::ranges::find(Rows, type, &ProgramRow::type);
  if (row == std::end(Rows))
    return false; // unspec, ext (resolved to its target's type first), unknown types
  const AttachType effective = attach.value_or(defaultAttachType(type));
  bool ruled = false;
  for (const AttachRule &rule : row->rules) {
    if (!contains(rule.helpers, helper))
      continue;
    if (rule.holds(effective))
      return true;
    ruled = true;
  }
  if (ruled)
    return false;
  const auto holds = [&](HelperSet set) { return contains(set, helper); };
  return std::ranges::any_of(row->sets, holds) ||
         (row->fallsThroughToBase && std::ranges::any_of(BaseLayer, holds));
}

} // namespace bpfcheck
