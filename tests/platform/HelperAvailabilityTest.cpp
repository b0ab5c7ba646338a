// Spot checks of the helper availability table (Linux 6.18, privileged loader) that need no
// kernel; each cites the kernel function whose `switch` decides it. The whole matrix is
// checked against the running kernel by HelperAvailabilityKernelTest.
#include "bpfcheck/platform/HelperAvailability.h"

#include <doctest/doctest.h>

#include <optional>

using namespace bpfcheck;
using H = HelperId;
using P = ProgramType;
using A = AttachType;

namespace {

bool available(H helper, P type, std::optional<A> attach = std::nullopt) {
  return helperAvailable(helper, type, attach);
}

} // namespace

TEST_CASE("packet helpers belong to their hook") {
  // xdp_func_proto is the only get_func_proto that returns bpf_xdp_adjust_head.
  CHECK(available(H::XdpAdjustHead, P::Xdp));
  CHECK(available(H::XdpAdjustHead, P::Xdp, A::XdpDevmap));
  CHECK_FALSE(available(H::XdpAdjustHead, P::SchedCls));
  CHECK_FALSE(available(H::XdpAdjustHead, P::SocketFilter));
  CHECK_FALSE(available(H::XdpAdjustHead, P::Kprobe));

  // tc_cls_act_func_proto writes packets; sk_filter_func_proto only reads them.
  CHECK(available(H::SkbStoreBytes, P::SchedCls));
  CHECK(available(H::SkbStoreBytes, P::SchedAct));
  CHECK_FALSE(available(H::SkbStoreBytes, P::SocketFilter));
  CHECK(available(H::SkbLoadBytes, P::SocketFilter));
  // lwt_xmit_func_proto may write, lwt_out_func_proto may not.
  CHECK(available(H::SkbStoreBytes, P::LwtXmit));
  CHECK_FALSE(available(H::SkbStoreBytes, P::LwtOut));
  // sk_skb_func_proto has its own store (and pull/adjust) variants.
  CHECK(available(H::SkbStoreBytes, P::SkSkb, A::SkSkbStreamVerdict));

  // sk_msg_func_proto alone grants the bpf_msg_* helpers.
  CHECK(available(H::MsgPullData, P::SkMsg, A::SkMsgVerdict));
  CHECK_FALSE(available(H::MsgPullData, P::SkSkb, A::SkSkbStreamVerdict));
  CHECK_FALSE(available(H::MsgPullData, P::SchedCls));
  CHECK_FALSE(available(H::MsgPullData, P::SockOps, A::CgroupSockOps));

  // lwt_seg6local_func_proto (CONFIG_IPV6_SEG6_BPF).
  CHECK(available(H::LwtSeg6Action, P::LwtSeg6local));
  CHECK_FALSE(available(H::LwtSeg6Action, P::LwtXmit));
}

TEST_CASE("the base layer reaches every type that falls through to it") {
  // bpf_base_func_proto, first switch (any loader) holds bpf_get_current_pid_tgid, so even
  // a socket filter may call it.
  CHECK(available(H::GetCurrentPidTgid, P::SocketFilter));
  CHECK(available(H::GetCurrentPidTgid, P::Xdp));
  CHECK(available(H::MapLookupElem, P::Netfilter, A::Netfilter));
  // Third switch (CAP_PERFMON, granted to root): the probe_read family and (moved there from
  // the tracing and cgroup layers in 2025) bpf_get_current_comm and bpf_copy_from_user.
  CHECK(available(H::ProbeReadKernel, P::Kprobe));
  CHECK(available(H::ProbeReadKernel, P::Tracing, A::TraceFentry));
  CHECK(available(H::ProbeReadKernel, P::SocketFilter));
  CHECK(available(H::GetCurrentComm, P::Xdp));
  CHECK(available(H::CopyFromUser, P::SchedCls)); // a sleepable-only prototype: still listed
  // The legacy bpf_probe_read is granted by bpf_tracing_func_proto only.
  CHECK(available(H::ProbeRead, P::Kprobe));
  CHECK(available(H::ProbeRead, P::RawTracepoint));
  CHECK_FALSE(available(H::ProbeRead, P::SocketFilter));
  CHECK_FALSE(available(H::ProbeRead, P::CgroupSkb, A::CgroupInetIngress));

  // lirc_mode2_func_proto does not fall through to the base layer: its own short list.
  CHECK(available(H::RcKeydown, P::LircMode2, A::LircMode2));
  CHECK(available(H::MapLookupElem, P::LircMode2, A::LircMode2));
  CHECK_FALSE(available(H::GetCurrentPidTgid, P::LircMode2, A::LircMode2));
  CHECK_FALSE(available(H::RcKeydown, P::Kprobe));

  // bpf_sk_base_func_proto adds the socket casts; sk_reuseport_func_proto skips that layer.
  CHECK(available(H::SkcToTcpSock, P::SkLookup, A::SkLookup));
  CHECK(available(H::SkcToTcpSock, P::SchedCls));
  CHECK_FALSE(available(H::SkcToTcpSock, P::SkReuseport, A::SkReuseportSelect));
  CHECK_FALSE(available(H::SkcToTcpSock, P::CgroupSock, A::CgroupInetSockCreate));
}

TEST_CASE("cgroup hooks depend on the expected attach type") {
  // sock_addr_func_proto: bpf_bind only in connect hooks.
  CHECK(available(H::Bind, P::CgroupSockAddr, A::CgroupInet4Connect));
  CHECK(available(H::Bind, P::CgroupSockAddr, A::CgroupInet6Connect));
  CHECK_FALSE(available(H::Bind, P::CgroupSockAddr, A::CgroupInet4Bind));
  CHECK_FALSE(available(H::Bind, P::CgroupSockAddr, A::CgroupUdp4Sendmsg));
  CHECK_FALSE(available(H::Bind, P::CgroupSockAddr, A::CgroupUnixConnect));
  CHECK_FALSE(available(H::Bind, P::CgroupSock, A::CgroupInetSockCreate));
  // ... and bpf_setsockopt in every sock_addr hook.
  CHECK(available(H::Setsockopt, P::CgroupSockAddr, A::CgroupUnixGetsockname));

  // cgroup_common_func_proto: no retval helpers where the hook's return is no errno.
  CHECK_FALSE(available(H::GetRetval, P::CgroupSkb, A::CgroupInetIngress));
  CHECK_FALSE(available(H::SetRetval, P::SockOps, A::CgroupSockOps));
  CHECK_FALSE(available(H::GetRetval, P::CgroupSockAddr, A::CgroupUdp4Recvmsg));
  CHECK(available(H::GetRetval, P::CgroupSockAddr, A::CgroupInet4Connect));
  CHECK(available(H::SetRetval, P::CgroupSockopt, A::CgroupGetsockopt));
  CHECK(available(H::GetLocalStorage, P::CgroupSkb, A::CgroupInetEgress));
  // Without an attach type the kernel keeps 0 (cgroup_inet_ingress), except that
  // cgroup_sock programs default to socket creation (bpf_prog_load_fixup_attach_type).
  CHECK_FALSE(available(H::GetRetval, P::CgroupSkb));
  CHECK(available(H::GetRetval, P::CgroupSock));

  // cg_sockopt_func_proto: bpf_{set,get}sockopt only in the setsockopt hook.
  CHECK(available(H::Setsockopt, P::CgroupSockopt, A::CgroupSetsockopt));
  CHECK(available(H::Getsockopt, P::CgroupSockopt, A::CgroupSetsockopt));
  CHECK_FALSE(available(H::Setsockopt, P::CgroupSockopt, A::CgroupGetsockopt));

  // sock_filter_func_proto grants the storage lookup but not the delete.
  CHECK(available(H::SkStorageGet, P::CgroupSock, A::CgroupInetSockCreate));
  CHECK_FALSE(available(H::SkStorageDelete, P::CgroupSock, A::CgroupInetSockCreate));

  // sysctl_func_proto.
  CHECK(available(H::SysctlGetName, P::CgroupSysctl, A::CgroupSysctl));
  CHECK_FALSE(available(H::SysctlGetName, P::CgroupDevice, A::CgroupDevice));
}

TEST_CASE("tracing helpers depend on the attach type") {
  // tracing_prog_func_proto: bpf_seq_* only for iterators.
  CHECK(available(H::SeqPrintf, P::Tracing, A::TraceIter));
  CHECK_FALSE(available(H::SeqPrintf, P::Tracing, A::TraceRawTp));
  CHECK_FALSE(available(H::SeqPrintf, P::Tracing, A::TraceFentry));
  CHECK_FALSE(available(H::SeqPrintf, P::Kprobe));
  // bpf_get_func_arg & co need a trampoline (bpf_prog_has_trampoline).
  CHECK(available(H::GetFuncArg, P::Tracing, A::TraceFexit));
  CHECK(available(H::GetFuncRet, P::Tracing, A::ModifyReturn));
  CHECK_FALSE(available(H::GetFuncArg, P::Tracing, A::TraceRawTp));
  CHECK(available(H::GetFuncArg, P::Lsm, A::LsmMac));
  CHECK_FALSE(available(H::GetFuncArg, P::Lsm, A::LsmCgroup));
  // check_get_func_ip: kprobes and trampolines only.
  CHECK(available(H::GetFuncIp, P::Kprobe));
  CHECK(available(H::GetFuncIp, P::Kprobe, A::TraceKprobeMulti));
  CHECK(available(H::GetFuncIp, P::Tracing, A::TraceFentry));
  CHECK_FALSE(available(H::GetFuncIp, P::Tracing, A::TraceIter));
  CHECK_FALSE(available(H::GetFuncIp, P::Tracepoint));
  CHECK_FALSE(available(H::GetFuncIp, P::Lsm, A::LsmMac));
  // The cookie: tp_btf and trampolines, not iterators.
  CHECK(available(H::GetAttachCookie, P::Tracing, A::TraceRawTp));
  CHECK_FALSE(available(H::GetAttachCookie, P::Tracing, A::TraceIter));
  CHECK(available(H::GetAttachCookie, P::PerfEvent));
  // The tracing bpf_sk_storage_* refuse fmod_ret (bpf_sk_storage_tracing_allowed).
  CHECK(available(H::SkStorageGet, P::Tracing, A::TraceFentry));
  CHECK_FALSE(available(H::SkStorageGet, P::Tracing, A::ModifyReturn));
  // pe_prog_func_proto alone reads the sample's counters and branch records.
  CHECK(available(H::PerfProgReadValue, P::PerfEvent));
  CHECK_FALSE(available(H::PerfProgReadValue, P::Kprobe));
  // bpf_override_return: kprobes only (CONFIG_BPF_KPROBE_OVERRIDE).
  CHECK(available(H::OverrideReturn, P::Kprobe));
  CHECK_FALSE(available(H::OverrideReturn, P::Tracing, A::TraceFentry));
}

TEST_CASE("programs with their own callbacks") {
  // syscall_prog_func_proto: the bpf() helpers; no cookie and no tracing socket storage.
  CHECK(available(H::SysBpf, P::Syscall));
  CHECK(available(H::KallsymsLookupName, P::Syscall));
  CHECK_FALSE(available(H::SysBpf, P::Kprobe));
  CHECK_FALSE(available(H::GetAttachCookie, P::Syscall));
  CHECK_FALSE(available(H::SkStorageGet, P::Syscall));
  // bpf_lsm_func_proto: inode storage, and the cgroup helpers only for lsm_cgroup.
  CHECK(available(H::InodeStorageGet, P::Lsm, A::LsmMac));
  CHECK_FALSE(available(H::InodeStorageGet, P::Tracing, A::TraceFentry));
  CHECK(available(H::GetLocalStorage, P::Lsm, A::LsmCgroup));
  CHECK_FALSE(available(H::GetLocalStorage, P::Lsm, A::LsmMac));
  // bpf_tcp_ca_get_func_proto (struct_ops of tcp_congestion_ops).
  CHECK(available(H::TcpSendAck, P::StructOps));
  CHECK_FALSE(available(H::TcpSendAck, P::SockOps, A::CgroupSockOps));
  // sk_lookup_func_proto: bpf_sk_assign, its own flavour.
  CHECK(available(H::SkAssign, P::SkLookup, A::SkLookup));
  CHECK_FALSE(available(H::SkAssign, P::Xdp));
  // No callbacks of their own: unspec, and ext (which takes its target's helpers).
  CHECK_FALSE(available(H::MapLookupElem, P::Unspec));
  CHECK_FALSE(available(H::MapLookupElem, P::Ext));
}

TEST_CASE("every helper of Linux 6.18 is available somewhere") {
  for (std::uint32_t id = 1; id < std::uint32_t(H::MaxId); ++id) {
    bool somewhere = false;
    for (std::uint32_t type = 0; type <= std::uint32_t(P::Netfilter) && !somewhere; ++type) {
      somewhere = available(H(id), P(type));
      for (std::uint32_t attach = 0; attach <= std::uint32_t(A::TraceUprobeSession) && !somewhere;
           ++attach)
        somewhere = available(H(id), P(type), A(attach));
    }
    CAPTURE(id);
    CHECK(somewhere);
  }
}
