// The program types the kernel-oracle tests of platform tables load programs in: one case per
// program type, and one per expected attach type, attach target or struct_ops member where
// the kernel's answer may depend on it. With them, building a program of a case, finding
// out whether this machine can judge a case at all, and reading the reason out of a log.
// Shared by tests/platform/HelperAvailabilityKernelTest.cpp and
// tests/platform/KernelFunctionsKernelTest.cpp.
#pragma once

#include "KernelOracle.h"

#include <cctype>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace bpfcheck::oracle {

/// One program type, with the attach type and target a loader would give it.
struct Case {
  ProgramType type;
  std::optional<AttachType> attach;
  std::string target;     ///< fentry function, LSM hook, iterator, tp_btf tracepoint
  std::string structType; ///< struct_ops
  std::string structMember;
  bool sleepable = false;
};

inline std::vector<Case> allCases() {
  using P = ProgramType;
  using A = AttachType;
  std::vector<Case> cases = {
      {P::SocketFilter, {}, "", "", ""},
      {P::Kprobe, {}, "", "", ""},
      {P::Kprobe, A::TraceKprobeMulti, "", "", ""},
      {P::Kprobe, A::TraceUprobeMulti, "", "", ""},
      {P::SchedCls, {}, "", "", ""},
      {P::SchedAct, {}, "", "", ""},
      {P::Tracepoint, {}, "", "", ""},
      {P::Xdp, {}, "", "", ""},
      {P::PerfEvent, {}, "", "", ""},
      {P::CgroupSkb, A::CgroupInetIngress, "", "", ""},
      {P::CgroupSkb, A::CgroupInetEgress, "", "", ""},
      {P::CgroupSock, A::CgroupInetSockCreate, "", "", ""},
      {P::CgroupSock, A::CgroupInetSockRelease, "", "", ""},
      {P::CgroupSock, A::CgroupInet4PostBind, "", "", ""},
      {P::CgroupSock, A::CgroupInet6PostBind, "", "", ""},
      {P::LwtIn, {}, "", "", ""},
      {P::LwtOut, {}, "", "", ""},
      {P::LwtXmit, {}, "", "", ""},
      {P::SockOps, A::CgroupSockOps, "", "", ""},
      {P::SkSkb, A::SkSkbStreamParser, "", "", ""},
      {P::SkSkb, A::SkSkbStreamVerdict, "", "", ""},
      {P::SkSkb, A::SkSkbVerdict, "", "", ""},
      {P::CgroupDevice, A::CgroupDevice, "", "", ""},
      {P::SkMsg, A::SkMsgVerdict, "", "", ""},
      {P::RawTracepoint, {}, "", "", ""},
      {P::LwtSeg6local, {}, "", "", ""},
      {P::LircMode2, A::LircMode2, "", "", ""},
      {P::SkReuseport, A::SkReuseportSelect, "", "", ""},
      {P::SkReuseport, A::SkReuseportSelectOrMigrate, "", "", ""},
      {P::FlowDissector, A::FlowDissector, "", "", ""},
      {P::CgroupSysctl, A::CgroupSysctl, "", "", ""},
      {P::RawTracepointWritable, {}, "", "", ""},
      {P::CgroupSockopt, A::CgroupGetsockopt, "", "", ""},
      {P::CgroupSockopt, A::CgroupSetsockopt, "", "", ""},
      {P::Tracing, A::TraceRawTp, "sched_switch", "", ""},
      {P::Tracing, A::TraceIter, "task", "", ""},
      {P::Tracing, A::TraceIter, "tcp", "", ""},
      {P::Tracing, A::TraceFentry, "do_unlinkat", "", ""},
      {P::Tracing, A::TraceFexit, "do_unlinkat", "", ""},
      {P::Tracing, A::ModifyReturn, "do_unlinkat", "", ""},
      {P::StructOps, {}, "", "tcp_congestion_ops", "ssthresh"},
      {P::StructOps, {}, "", "tcp_congestion_ops", "release"},
      {P::Ext, {}, "", "", ""},
      {P::Lsm, A::LsmMac, "file_open", "", ""},
      {P::Lsm, A::LsmCgroup, "socket_bind", "", ""},
      {P::SkLookup, A::SkLookup, "", "", ""},
      {P::Syscall, {}, "", "", "", true},
      {P::Netfilter, A::Netfilter, "", "", ""},
  };
  for (A attach :
       {A::CgroupInet4Bind, A::CgroupInet6Bind, A::CgroupInet4Connect, A::CgroupInet6Connect,
        A::CgroupUdp4Sendmsg, A::CgroupUdp6Sendmsg, A::CgroupUdp4Recvmsg, A::CgroupUdp6Recvmsg,
        A::CgroupInet4Getpeername, A::CgroupInet6Getpeername, A::CgroupInet4Getsockname,
        A::CgroupInet6Getsockname, A::CgroupUnixConnect, A::CgroupUnixSendmsg, A::CgroupUnixRecvmsg,
        A::CgroupUnixGetpeername, A::CgroupUnixGetsockname})
    cases.push_back({P::CgroupSockAddr, attach, "", "", ""});
  return cases;
}

/// "cgroup_skb/cgroup_inet_ingress", "tracing/trace_iter:task",
/// "struct_ops:tcp_congestion_ops.ssthresh".
inline std::string describe(const Case &c) {
  std::string text(nameOf(c.type));
  if (c.attach)
    text += "/" + std::string(nameOf(*c.attach));
  if (!c.target.empty())
    text += ":" + c.target;
  if (!c.structType.empty())
    text += ":" + c.structType + "." + c.structMember;
  if (c.sleepable)
    text += " (sleepable)";
  return text;
}

/// A program of the case's type, attach type, target and sleepability with these slots.
inline Program makeProgram(const Case &c, std::vector<encoding::RawInstruction> slots,
                           std::string name = "avail") {
  Program program;
  program.name = std::move(name);
  program.type = c.type;
  program.expectedAttachType = c.attach;
  program.attachTarget = c.target;
  program.structOpsType = c.structType;
  program.structOpsMember = c.structMember;
  program.sleepable = c.sleepable;
  program.slots = std::move(slots);
  return program;
}

/// `r<reg> = <value>` (BPF_ALU64 | BPF_MOV | BPF_K).
inline encoding::RawInstruction moveImmediate(std::uint8_t reg, std::int32_t value) {
  return encoding::RawInstruction::make(0xb7, reg, 0, 0, value);
}
/// `exit` (BPF_JMP | BPF_EXIT).
inline encoding::RawInstruction exitInstruction() {
  return encoding::RawInstruction::make(0x95, 0, 0, 0, 0);
}

/// Why the kernel cannot judge programs of this case on this machine, or nothing when it
/// can: a baseline `r0 = 0; exit` must reach the verifier (being refused there, e.g. for its
/// return value, is fine).
inline std::optional<std::string> whyNotJudged(const Object &object, const Case &c) {
  const KernelResult baseline =
      loadInKernel(object, makeProgram(c, {moveImmediate(0, 0), exitInstruction()}));
  if (baseline.verdict == KernelVerdict::Accepted ||
      (baseline.verdict == KernelVerdict::Rejected && !baseline.log.empty()))
    return std::nullopt;
  if (!baseline.problem.empty())
    return baseline.problem;
  return "BPF_PROG_LOAD fails with errno " + std::to_string(baseline.error) +
         " and an empty log before verification";
}

/// The line of a verifier log that says why it refused: the last one that is neither an
/// instruction trace nor a statistic.
inline std::string reasonLine(const std::string &log) {
  std::string best;
  std::size_t start = 0;
  while (start < log.size()) {
    std::size_t end = log.find('\n', start);
    if (end == std::string::npos)
      end = log.size();
    std::string line = log.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line.starts_with("processed ") || line.starts_with("verification time") ||
        line.starts_with("stack depth") || line.starts_with("func#") || line.starts_with("0: R1"))
      continue;
    std::size_t digits = 0;
    while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits])))
      ++digits;
    if (digits > 0 && digits < line.size() && line[digits] == ':')
      continue;
    best = line;
  }
  return best;
}

inline bool logSays(const std::string &log, const std::string &phrase) {
  return log.find(phrase) != std::string::npos;
}

/// What loading a one-call probe tells of whether the callee is available to the program.
enum class Availability { Available, Unavailable, Environment, Unexpected };

struct AvailabilityAnswer {
  Availability answer;
  std::string detail; ///< the reason line of the log, or what kept the kernel from judging
};

/// The kernel's answer to a probe: Unavailable when the log says one of `unavailable`,
/// Unexpected when it says one of `unexpected` (or is empty), Environment when the
/// verifier did not run, Available otherwise (accepted, or refused for something later).
inline AvailabilityAnswer classifyAvailability(const KernelResult &result,
                                               std::initializer_list<std::string> unavailable,
                                               std::initializer_list<std::string> unexpected) {
  switch (result.verdict) {
  case KernelVerdict::Accepted:
    return {Availability::Available, "accepted"};
  case KernelVerdict::Environment:
  case KernelVerdict::Unsupported:
    return {Availability::Environment, result.problem};
  case KernelVerdict::Rejected:
    break;
  }
  if (result.log.empty())
    return {Availability::Unexpected,
            "refused with errno " + std::to_string(result.error) + " and an empty log"};
  const std::string reason = reasonLine(result.log);
  for (const std::string &phrase : unavailable)
    if (logSays(result.log, phrase))
      return {Availability::Unavailable, reason};
  for (const std::string &phrase : unexpected)
    if (logSays(result.log, phrase))
      return {Availability::Unexpected, reason};
  return {Availability::Available, reason};
}

inline const char *nameOf(Availability answer) {
  switch (answer) {
  case Availability::Available:
    return "available";
  case Availability::Unavailable:
    return "unavailable";
  case Availability::Environment:
    return "environment";
  case Availability::Unexpected:
    return "unexpected";
  }
  return "?";
}

} // namespace bpfcheck::oracle
