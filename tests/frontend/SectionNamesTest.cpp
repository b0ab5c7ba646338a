// libbpf's SEC() conventions: program type, expected attach type, attach target.
#include "bpfcheck/frontend/SectionNames.h"

#include <doctest/doctest.h>

using namespace bpfcheck;

TEST_CASE("section names map to program and attach types") {
  struct Case {
    const char *section;
    ProgramType type;
    std::optional<AttachType> attach;
    const char *target;
  };
  const Case cases[] = {
      {"socket", ProgramType::SocketFilter, std::nullopt, ""},
      {"xdp", ProgramType::Xdp, AttachType::Xdp, ""},
      {"xdp.frags", ProgramType::Xdp, AttachType::Xdp, ""},
      {"xdp/devmap", ProgramType::Xdp, AttachType::XdpDevmap, ""},
      {"tc", ProgramType::SchedCls, std::nullopt, ""},
      {"tc/ingress", ProgramType::SchedCls, AttachType::TcxIngress, ""},
      {"classifier", ProgramType::SchedCls, std::nullopt, ""},
      {"action", ProgramType::SchedAct, std::nullopt, ""},
      {"kprobe/do_unlinkat", ProgramType::Kprobe, std::nullopt, "do_unlinkat"},
      {"kretprobe/do_exit", ProgramType::Kprobe, std::nullopt, "do_exit"},
      {"uprobe.s//bin/bash:readline", ProgramType::Kprobe, std::nullopt, "/bin/bash:readline"},
      {"ksyscall/execve", ProgramType::Kprobe, std::nullopt, "execve"},
      {"kprobe.multi/vfs_*", ProgramType::Kprobe, AttachType::TraceKprobeMulti, "vfs_*"},
      {"tracepoint/sched/sched_switch", ProgramType::Tracepoint, std::nullopt,
       "sched/sched_switch"},
      {"tp/syscalls/sys_enter_openat", ProgramType::Tracepoint, std::nullopt,
       "syscalls/sys_enter_openat"},
      {"raw_tp/sys_enter", ProgramType::RawTracepoint, std::nullopt, "sys_enter"},
      {"raw_tracepoint.w/bpf_testmod", ProgramType::RawTracepointWritable, std::nullopt,
       "bpf_testmod"},
      {"tp_btf/sched_switch", ProgramType::Tracing, AttachType::TraceRawTp, "sched_switch"},
      {"fentry/vfs_read", ProgramType::Tracing, AttachType::TraceFentry, "vfs_read"},
      {"fexit/vfs_read", ProgramType::Tracing, AttachType::TraceFexit, "vfs_read"},
      {"fmod_ret/security_file_open", ProgramType::Tracing, AttachType::ModifyReturn,
       "security_file_open"},
      {"lsm/file_open", ProgramType::Lsm, AttachType::LsmMac, "file_open"},
      {"lsm_cgroup/socket_bind", ProgramType::Lsm, AttachType::LsmCgroup, "socket_bind"},
      {"iter/task_file", ProgramType::Tracing, AttachType::TraceIter, "task_file"},
      {"struct_ops/init", ProgramType::StructOps, std::nullopt, "init"},
      {"cgroup_skb/ingress", ProgramType::CgroupSkb, AttachType::CgroupInetIngress, ""},
      {"cgroup_skb/egress", ProgramType::CgroupSkb, AttachType::CgroupInetEgress, ""},
      {"cgroup/skb", ProgramType::CgroupSkb, std::nullopt, ""},
      {"cgroup/sock", ProgramType::CgroupSock, AttachType::CgroupInetSockCreate, ""},
      {"cgroup/sock_release", ProgramType::CgroupSock, AttachType::CgroupInetSockRelease, ""},
      {"cgroup/post_bind4", ProgramType::CgroupSock, AttachType::CgroupInet4PostBind, ""},
      {"cgroup/bind6", ProgramType::CgroupSockAddr, AttachType::CgroupInet6Bind, ""},
      {"cgroup/connect4", ProgramType::CgroupSockAddr, AttachType::CgroupInet4Connect, ""},
      {"cgroup/sendmsg6", ProgramType::CgroupSockAddr, AttachType::CgroupUdp6Sendmsg, ""},
      {"cgroup/recvmsg4", ProgramType::CgroupSockAddr, AttachType::CgroupUdp4Recvmsg, ""},
      {"cgroup/getpeername6", ProgramType::CgroupSockAddr, AttachType::CgroupInet6Getpeername, ""},
      {"cgroup/getsockname4", ProgramType::CgroupSockAddr, AttachType::CgroupInet4Getsockname, ""},
      {"cgroup/sysctl", ProgramType::CgroupSysctl, AttachType::CgroupSysctl, ""},
      {"cgroup/getsockopt", ProgramType::CgroupSockopt, AttachType::CgroupGetsockopt, ""},
      {"cgroup/setsockopt", ProgramType::CgroupSockopt, AttachType::CgroupSetsockopt, ""},
      {"cgroup/dev", ProgramType::CgroupDevice, AttachType::CgroupDevice, ""},
      {"sockops", ProgramType::SockOps, AttachType::CgroupSockOps, ""},
      {"sk_skb/stream_parser", ProgramType::SkSkb, AttachType::SkSkbStreamParser, ""},
      {"sk_skb/stream_verdict", ProgramType::SkSkb, AttachType::SkSkbStreamVerdict, ""},
      {"sk_skb", ProgramType::SkSkb, std::nullopt, ""},
      {"sk_msg", ProgramType::SkMsg, AttachType::SkMsgVerdict, ""},
      {"sk_lookup", ProgramType::SkLookup, AttachType::SkLookup, ""},
      {"sk_reuseport", ProgramType::SkReuseport, AttachType::SkReuseportSelect, ""},
      {"flow_dissector", ProgramType::FlowDissector, AttachType::FlowDissector, ""},
      {"perf_event", ProgramType::PerfEvent, std::nullopt, ""},
      {"lwt_in", ProgramType::LwtIn, std::nullopt, ""},
      {"lwt_xmit", ProgramType::LwtXmit, std::nullopt, ""},
      {"netfilter", ProgramType::Netfilter, AttachType::Netfilter, ""},
      {"syscall", ProgramType::Syscall, std::nullopt, ""},
      {"freplace/handler", ProgramType::Ext, std::nullopt, "handler"},
  };
  for (const Case &c : cases) {
    INFO(c.section);
    const auto meaning = classifySection(c.section);
    REQUIRE(meaning);
    CHECK(meaning->type == c.type);
    CHECK(meaning->expectedAttachType == c.attach);
    CHECK(meaning->attachTarget == c.target);
  }
  const auto sleepable = classifySection("fentry.s/vfs_read");
  REQUIRE(sleepable);
  CHECK(sleepable->sleepable);
  CHECK_FALSE(classifySection("fentry/vfs_read")->sleepable);
}

TEST_CASE("unknown section names are not guessed") {
  for (const char *name :
       {".text", "license", "xdpfoo", "kprobex/f", "cgroup/bogus", "socket/x", "", "maps"}) {
    INFO(name);
    CHECK_FALSE(classifySection(name));
  }
}
