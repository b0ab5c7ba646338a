// The return values Linux 6.18 allows at a program's exit, per program type and expected
// attach type: the facts of check_return_code (kernel/bpf/verifier.c), with
// bpf_lsm_get_retval_range (kernel/bpf/bpf_lsm.c) for LSM hooks. Where the verifier does not
// check, the row records the conventional values and what the kernel does with others.
#include "bpfcheck/platform/ContextLayout.h"

namespace bpfcheck {
namespace {

using A = AttachType;
using P = ProgramType;
using T = TargetReturn;
constexpr ReturnCheck Rejected = ReturnCheck::Rejected;
constexpr ReturnCheck Unchecked = ReturnCheck::Unchecked;

constexpr AttachMask sessions = attachMask({A::TraceKprobeSession, A::TraceUprobeSession});
constexpr AttachMask addressReporting =
    attachMask({A::CgroupUdp4Recvmsg, A::CgroupUdp6Recvmsg, A::CgroupUnixRecvmsg,
                A::CgroupInet4Getpeername, A::CgroupInet6Getpeername, A::CgroupUnixGetpeername,
                A::CgroupInet4Getsockname, A::CgroupInet6Getsockname, A::CgroupUnixGetsockname});
constexpr AttachMask binds = attachMask({A::CgroupInet4Bind, A::CgroupInet6Bind});

constexpr std::int64_t maxErrno = 4095; // MAX_ERRNO

// The first row matching type, attach type and target decides; attach 0 = any other.
// clang-format off
constexpr ReturnRule rules[] = {
  {P::SocketFilter, 0, T::Any, Unchecked, std::nullopt,
   "the number of packet bytes to keep (0 drops)"},
  {P::Kprobe, sessions, T::Any, Rejected, ReturnRange{0, 1},
   "kprobe/uprobe session entry: 0 runs the return probe, 1 skips it"},
  {P::Kprobe, 0, T::Any, Unchecked, std::nullopt, "ignored (kprobe_multi: ignored too)"},
  {P::SchedCls, 0, T::Any, Unchecked, std::nullopt,
   "a TC_ACT_* verdict in direct-action mode, otherwise a class id"},
  {P::SchedAct, 0, T::Any, Unchecked, std::nullopt, "a TC_ACT_* verdict"},
  {P::Tracepoint, 0, T::Any, Unchecked, std::nullopt, "ignored"},
  {P::Xdp, 0, T::Any, Unchecked, ReturnRange{0, 4},
   "XDP_ABORTED..XDP_REDIRECT; any other value passes the verifier, and at run time the "
   "driver warns once (bpf_warn_invalid_xdp_action) and drops the packet"},
  {P::PerfEvent, 0, T::Any, Unchecked, std::nullopt, "ignored"},
  {P::CgroupSkb, attachMask({A::CgroupInetEgress}), T::Any, Rejected, ReturnRange{0, 3},
   "bit 0 allows the packet, bit 1 signals congestion; returning 2 or 3 ties the program to "
   "egress (enforce_expected_attach_type)"},
  {P::CgroupSkb, 0, T::Any, Rejected, ReturnRange{0, 1}, "1 allows, 0 drops"},
  {P::CgroupSock, 0, T::Any, Rejected, ReturnRange{0, 1}, "1 allows, 0 refuses with EPERM"},
  {P::LwtIn, 0, T::Any, Unchecked, std::nullopt, "BPF_OK, BPF_DROP, BPF_REDIRECT, ..."},
  {P::LwtOut, 0, T::Any, Unchecked, std::nullopt, "BPF_OK, BPF_DROP, ..."},
  {P::LwtXmit, 0, T::Any, Unchecked, std::nullopt, "BPF_OK, BPF_DROP, BPF_REDIRECT, ..."},
  {P::LwtSeg6local, 0, T::Any, Unchecked, std::nullopt, "BPF_OK, BPF_DROP, BPF_REDIRECT"},
  {P::SockOps, 0, T::Any, Rejected, ReturnRange{0, 1}, "1 on success"},
  {P::SkSkb, 0, T::Any, Unchecked, std::nullopt,
   "verdict programs: SK_DROP/SK_PASS; stream parsers: a message length"},
  {P::CgroupDevice, 0, T::Any, Rejected, ReturnRange{0, 1}, "1 allows the device access"},
  {P::SkMsg, 0, T::Any, Unchecked, ReturnRange{0, 1}, "SK_DROP or SK_PASS"},
  {P::RawTracepoint, 0, T::Any, Unchecked, std::nullopt, "ignored"},
  {P::CgroupSockAddr, addressReporting, T::Any, Rejected, ReturnRange{1, 1},
   "recvmsg, getpeername and getsockname hooks may only return 1"},
  {P::CgroupSockAddr, binds, T::Any, Rejected, ReturnRange{0, 3},
   "bit 0 allows; bit 1 skips the CAP_NET_BIND_SERVICE check for low ports"},
  {P::CgroupSockAddr, 0, T::Any, Rejected, ReturnRange{0, 1}, "1 allows, 0 refuses"},
  {P::LircMode2, 0, T::Any, Unchecked, std::nullopt, "ignored"},
  {P::SkReuseport, 0, T::Any, Unchecked, ReturnRange{0, 1}, "SK_DROP or SK_PASS"},
  {P::FlowDissector, 0, T::Any, Unchecked, std::nullopt,
   "BPF_OK, BPF_DROP, BPF_FLOW_DISSECTOR_CONTINUE"},
  {P::CgroupSysctl, 0, T::Any, Rejected, ReturnRange{0, 1}, "1 allows the sysctl access"},
  {P::RawTracepointWritable, 0, T::Any, Unchecked, std::nullopt, "ignored"},
  {P::CgroupSockopt, 0, T::Any, Rejected, ReturnRange{0, 1}, "1 continues, 0 refuses"},
  {P::Tracing, attachMask({A::TraceFentry, A::TraceFexit}), T::Any, Rejected, ReturnRange{0, 0},
   "fentry/fexit must return 0"},
  {P::Tracing, attachMask({A::TraceIter}), T::Any, Rejected, ReturnRange{0, 1},
   "1 stops the iteration after this element"},
  {P::Tracing, 0, T::Any, Unchecked, std::nullopt,
   "tp_btf: ignored; fmod_ret: the value the traced function returns"},
  {P::StructOps, 0, T::Void, Unchecked, std::nullopt, "void member: r0 is not read"},
  {P::StructOps, 0, T::Any, Unchecked, std::nullopt, "the member function's return value"},
  {P::Ext, 0, T::Any, Unchecked, std::nullopt, "whatever the replaced function returns"},
  {P::Lsm, attachMask({A::LsmCgroup}), T::Void, Rejected, ReturnRange{1, 1},
   "lsm_cgroup programs on void hooks cannot change the result"},
  {P::Lsm, attachMask({A::LsmCgroup}), T::Any, Rejected, ReturnRange{0, 1},
   "1 allows, 0 refuses"},
  {P::Lsm, 0, T::Void, Unchecked, std::nullopt, "void hook: r0 is not read"},
  {P::Lsm, 0, T::Boolean, Rejected, ReturnRange{0, 1, true}, "a hook in bool_lsm_hooks"},
  {P::Lsm, 0, T::Any, Rejected, ReturnRange{-maxErrno, 0, true},
   "0 or a negative errno, compared as a 32-bit value"},
  {P::SkLookup, 0, T::Any, Rejected, ReturnRange{0, 1}, "SK_DROP or SK_PASS"},
  {P::Syscall, 0, T::Any, Unchecked, std::nullopt, "returned to the BPF_PROG_RUN caller"},
  {P::Netfilter, 0, T::Any, Rejected, ReturnRange{0, 1}, "NF_DROP or NF_ACCEPT"},
};
// clang-format on

} // namespace

std::span<const ReturnRule> allReturnRules() {
  return rules;
}

const ReturnRule *findReturnRule(ProgramType type, std::optional<AttachType> attach,
                                 TargetReturn target) {
  attach = effectiveAttachType(type, attach);
  for (const ReturnRule &rule : rules)
    if (rule.type == type && attachIn(rule.attach, attach) &&
        (rule.target == TargetReturn::Any || rule.target == target))
      return &rule;
  return nullptr;
}

std::optional<ReturnRange> allowedReturnRange(ProgramType type, std::optional<AttachType> attach,
                                              TargetReturn target) {
  const ReturnRule *rule = findReturnRule(type, attach, target);
  if (!rule || rule->check != ReturnCheck::Rejected)
    return std::nullopt;
  return rule->range;
}

} // namespace bpfcheck
