// Checks the context layouts and return-value rules of platform/ContextLayout.h against the
// running kernel's verifier. For every program type (and each expected attach type whose
// rules differ) it loads one tiny program per context offset, access width and direction:
//   read:  r0 = *(uN *)(r1 + off); r0 = ok; exit      (also sign-extending loads, BPF_MEMSX)
//   write: r2 = 0; *(uN *)(r1 + off) = r2; r0 = ok; exit
// and compares the kernel's accept/reject with checkContextAccess. The structs behind context
// pointers (bpf_sock, sock_common, bpf_flow_keys) are probed the same way through a pointer
// loaded from the context. Return rules are probed with `r0 = X; exit` just inside and just
// outside allowedReturnRange (or with a spread of values where any value is allowed).
//
// Prints every mismatch, per-configuration agreement, the matrix sizes and a final
// "N passed, M failed"; exits 0 when all agree, 1 otherwise, 77 ("SKIPPED: ...") when bpf()
// cannot be used here.
//
// Not checkable on these machines (reported, not counted):
//   - fentry, fexit, fmod_ret and LSM (lsm_mac, lsm_cgroup) programs fail with EPERM before
//     the verifier runs (an environment limit, see shared/README.md). Their rules are facts
//     read from kernel/bpf/btf.c (btf_ctx_access: the return-value slot after the arguments,
//     fmod_ret only for int returns) and verifier.c / bpf_lsm.c (check_return_code,
//     bpf_lsm_get_retval_range: [-MAX_ERRNO, 0] or [0, 1] for bool hooks, in 32 bits; void
//     hooks unchecked; lsm_cgroup [0, 1], [1, 1] on void hooks).
//   - lirc_mode2: CONFIG_BPF_LIRC_MODE2 is off in this kernel (EINVAL before verification).
//   - freplace (ext): the oracle does not set up a target program.
//   - rows needing CAP_BPF (cgroup_skb packet pointers, tstamp stores): we run as root, and
//     unprivileged loading is disabled (kernel.unprivileged_bpf_disabled=2).
//   - xdp_md->rx_queue_index stores: only for programs offloaded to a device.
//
// Remaining differences between the tables and the kernel, with their reasons: none (Linux
// 6.18.44: 88,220 context accesses, 742 load results, 2,640 pointee accesses and 351 return
// values agree).
#include "../oracle/KernelOracle.h"
#include "../oracle/ProgramTypeCases.h"
#include "bpfcheck/platform/ContextLayout.h"

#include <bpf/btf.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace bpfcheck;
using encoding::RawInstruction;

namespace {

/// One program type under one expected attach type (and attach target), as loaded.
struct Config {
  ProgramType type;
  std::optional<AttachType> attach = {};
  std::string target = {};          ///< tracing/LSM: function, tracepoint or iterator
  std::string structOpsType = {};   ///< struct_ops: the struct
  std::string structOpsMember = {}; ///< struct_ops: the member
  std::uint32_t scanLimit = 0;      ///< probe offsets up to here (default: the layout's size + 16)
  bool sleepable = false;
};

std::string describe(const Config &config) {
  std::string text(nameOf(config.type));
  if (config.attach)
    text += "/" + std::string(nameOf(*config.attach));
  if (!config.target.empty())
    text += "(" + config.target + ")";
  if (!config.structOpsType.empty())
    text += "(" + config.structOpsType + "." + config.structOpsMember + ")";
  return text;
}

// --- Instructions --------------------------------------------------------------------------

constexpr std::uint8_t sizeBits(std::uint32_t size) {
  switch (size) {
  case 1:
    return 0x10; // BPF_B
  case 2:
    return 0x08; // BPF_H
  case 4:
    return 0x00; // BPF_W
  default:
    return 0x18; // BPF_DW
  }
}

RawInstruction load(std::uint8_t dst, std::uint8_t src, std::int16_t off, std::uint32_t size,
                    bool signExtend) {
  return RawInstruction::make(std::uint8_t((signExtend ? 0x81 : 0x61) | sizeBits(size)), dst, src,
                              off, 0);
}
RawInstruction store(std::uint8_t dst, std::uint8_t src, std::int16_t off, std::uint32_t size) {
  return RawInstruction::make(std::uint8_t(0x63 | sizeBits(size)), dst, src, off, 0);
}
RawInstruction movImm(std::uint8_t dst, std::int32_t imm) {
  return RawInstruction::make(0xb7, dst, 0, 0, imm);
}
const RawInstruction exitInsn = RawInstruction::make(0x95, 0, 0, 0, 0);

enum class Access { Read, SignExtendedRead, Write };
const char *nameOf(Access access) {
  return access == Access::Read ? "r" : access == Access::Write ? "w" : "sx";
}

/// The access itself (one instruction), with `base` the register pointing at the probed
/// struct; stores write r3, which every probe zeroes first.
RawInstruction accessInsn(std::uint8_t base, std::uint32_t offset, std::uint32_t size,
                          Access access) {
  if (access == Access::Write)
    return store(base, 3, std::int16_t(offset), size);
  return load(0, base, std::int16_t(offset), size, access == Access::SignExtendedRead);
}

// --- The kernel ----------------------------------------------------------------------------

struct Loader {
  Object object;
  Loader() { object.license = "GPL"; }

  oracle::KernelResult run(const Config &config, std::vector<RawInstruction> code) {
    const oracle::Case probed{config.type,          config.attach,          config.target,
                              config.structOpsType, config.structOpsMember, config.sleepable};
    ++loads;
    return oracle::loadInKernel(object, oracle::makeProgram(probed, std::move(code), "ctx_probe"));
  }
  std::uint64_t loads = 0;
};

// --- BTF of attach targets -----------------------------------------------------------------

using BtfPointer = std::unique_ptr<btf, void (*)(btf *)>;

bool isPointer(const btf *types, std::uint32_t id) {
  const btf_type *type = btf__type_by_id(
      types, btf__resolve_type(types, id) < 0 ? id : std::uint32_t(btf__resolve_type(types, id)));
  return type && btf_is_ptr(type);
}

/// Argument count and pointer arguments of a FUNC_PROTO; `skipFirst` for btf_trace_* typedefs.
std::optional<BtfArguments> argumentsOf(const btf *types, std::uint32_t protoId, bool skipFirst) {
  const btf_type *proto = btf__type_by_id(types, protoId);
  if (!proto || !btf_is_func_proto(proto))
    return std::nullopt;
  BtfArguments arguments;
  const btf_param *params = btf_params(proto);
  const unsigned first = skipFirst ? 1 : 0;
  for (unsigned i = first; i < btf_vlen(proto); ++i) {
    if (isPointer(types, params[i].type))
      arguments.pointerMask |= std::uint16_t(1u << (i - first));
    ++arguments.count;
  }
  arguments.returnsValue = proto->type != 0;
  arguments.returnIsPointer = proto->type != 0 && isPointer(types, proto->type);
  return arguments;
}

/// What btf_ctx_access would look at for this configuration.
std::optional<BtfArguments> targetArguments(const btf *types, const Config &config) {
  if (!types)
    return std::nullopt;
  auto protoOf = [&](std::uint32_t id) -> std::uint32_t {
    const btf_type *type = btf__type_by_id(types, id);
    while (type && (btf_is_typedef(type) || btf_is_ptr(type) || btf_is_func(type))) {
      id = type->type;
      type = btf__type_by_id(types, id);
    }
    return type && btf_is_func_proto(type) ? id : 0;
  };
  if (config.type == ProgramType::StructOps) {
    const int id = btf__find_by_name_kind(types, config.structOpsType.c_str(), BTF_KIND_STRUCT);
    if (id <= 0)
      return std::nullopt;
    const btf_type *type = btf__type_by_id(types, std::uint32_t(id));
    const btf_member *member = btf_members(type);
    for (unsigned i = 0; i < btf_vlen(type); ++i, ++member)
      if (config.structOpsMember == btf__name_by_offset(types, member->name_off))
        return argumentsOf(types, protoOf(member->type), false);
    return std::nullopt;
  }
  std::string name = config.target;
  int kind = BTF_KIND_FUNC;
  bool skipFirst = false;
  if (config.type == ProgramType::Lsm)
    name = "bpf_lsm_" + config.target;
  else if (config.attach == AttachType::TraceRawTp) {
    name = "btf_trace_" + config.target;
    kind = BTF_KIND_TYPEDEF;
    skipFirst = true;
  } else if (config.attach == AttachType::TraceIter)
    name = "bpf_iter_" + config.target;
  const int id = btf__find_by_name_kind(types, name.c_str(), kind);
  if (id <= 0)
    return std::nullopt;
  return argumentsOf(types, protoOf(std::uint32_t(id)), skipFirst);
}

// --- The checks ----------------------------------------------------------------------------

struct Tally {
  std::uint64_t passed = 0;
  std::uint64_t failed = 0;
};

struct Probe {
  /// The code before and after the access; `base` holds the probed struct.
  std::vector<RawInstruction> prologue{movImm(3, 0)};
  std::uint8_t base = 1;
  std::vector<RawInstruction> epilogue;
};

/// A value the program may return, so that the return check never interferes.
std::int32_t okReturn(const Config &config) {
  const auto range = allowedReturnRange(config.type, config.attach);
  return range ? std::int32_t(range->minimum) : 0;
}

/// Probe every offset below `limit` (and `extra`), every width and direction.
void checkMatrix(Loader &loader, const Config &config, const Probe &probe, std::uint32_t limit,
                 const std::vector<std::uint32_t> &extra,
                 const std::function<ContextAccess(std::uint32_t, std::uint32_t, Access)> &table,
                 const std::string &label, Tally &total) {
  Tally tally;
  std::vector<std::uint32_t> offsets;
  for (std::uint32_t offset = 0; offset < limit; ++offset)
    offsets.push_back(offset);
  offsets.insert(offsets.end(), extra.begin(), extra.end());
  for (std::uint32_t offset : offsets)
    for (std::uint32_t size : {1u, 2u, 4u, 8u})
      for (Access access : {Access::Read, Access::Write, Access::SignExtendedRead}) {
        if (access == Access::SignExtendedRead && size == 8)
          continue;
        std::vector<RawInstruction> code = probe.prologue;
        code.push_back(accessInsn(probe.base, offset, size, access));
        code.insert(code.end(), probe.epilogue.begin(), probe.epilogue.end());
        const oracle::KernelResult kernel = loader.run(config, code);
        const ContextAccess expected = table(offset, size, access);
        const bool accepted = kernel.verdict == oracle::KernelVerdict::Accepted;
        if (kernel.verdict != oracle::KernelVerdict::Accepted &&
            kernel.verdict != oracle::KernelVerdict::Rejected) {
          std::printf("UNEXPECTED %s: %s off=%u size=%u %s: kernel %s (%s)\n", label.c_str(),
                      describe(config).c_str(), offset, size, nameOf(access),
                      oracle::nameOf(kernel.verdict), kernel.problem.c_str());
          ++tally.failed;
          continue;
        }
        if (accepted == expected.allowed) {
          ++tally.passed;
          continue;
        }
        ++tally.failed;
        std::printf("MISMATCH %s %s off=%u size=%u %s: table %s%s%s, kernel %s: %s\n",
                    label.c_str(), describe(config).c_str(), offset, size, nameOf(access),
                    expected.allowed ? "allows" : "refuses", expected.allowed ? "" : " (",
                    expected.allowed ? "" : (expected.reason + ")").c_str(),
                    accepted ? "accepts" : "rejects", oracle::reasonLine(kernel.log).c_str());
      }
  std::printf("  %-58s %6" PRIu64 " of %6" PRIu64 " agree\n",
              (label + " " + describe(config)).c_str(), tally.passed, tally.passed + tally.failed);
  total.passed += tally.passed;
  total.failed += tally.failed;
}

/// What the kernel says a context load yields: the load goes straight into r1 of
/// bpf_map_lookup_elem, whose argument check names the register's type
/// ("R1 type=pkt expected=map_ptr").
std::string kernelValueType(Loader &loader, const Config &config, std::uint32_t offset,
                            std::uint32_t size) {
  const oracle::KernelResult kernel =
      loader.run(config, {load(1, 1, std::int16_t(offset), size, false),
                          RawInstruction::make(0x85, 0, 0, 0, 1), // call bpf_map_lookup_elem
                          movImm(0, okReturn(config)), exitInsn});
  const std::string marker = "R1 type=";
  const std::size_t at = kernel.log.find(marker);
  if (at == std::string::npos) {
    // sock_ops refuses packet pointers as helper arguments before naming the type
    if (kernel.log.find("helper access to the packet is not allowed") != std::string::npos)
      return "pkt";
    return "(" + oracle::reasonLine(kernel.log) + ")";
  }
  const std::size_t end = kernel.log.find(' ', at + marker.size());
  return kernel.log.substr(at + marker.size(), end - at - marker.size());
}

/// Whether the kernel's register type names the table's value.
bool sameValue(ContextValue value, const std::string &kernel) {
  if (value == ContextValue::BtfObject || value == ContextValue::BtfArgument)
    return kernel.find("ptr_") != std::string::npos;
  return kernel == nameOf(value);
}

/// For every readable row (every argument slot), what a load at its start yields.
void checkYields(Loader &loader, const Config &config, const ContextLayout &layout,
                 const ContextAccessOptions &options, Tally &total) {
  std::vector<std::uint32_t> starts;
  if (layout.kind == LayoutKind::BtfArguments)
    for (std::uint32_t offset = 0; offset < layout.size; offset += 8)
      starts.push_back(offset);
  for (const ContextField &field : layout.fields)
    if (field.span < 4096) // the tracepoint and syscall buffers hold only scalars
      starts.push_back(field.offset);
  Tally tally;
  for (std::uint32_t offset : starts) {
    std::optional<ContextAccess> access;
    std::uint32_t size = 8;
    for (; size >= 1; size /= 2) {
      ContextAccess candidate =
          checkContextAccess(config.type, config.attach, offset, size, false, options);
      if (candidate.allowed) {
        access = candidate;
        break;
      }
    }
    if (!access)
      continue;
    const std::string kernel = kernelValueType(loader, config, offset, size);
    if (sameValue(access->yields, kernel)) {
      ++tally.passed;
      continue;
    }
    ++tally.failed;
    std::printf("MISMATCH yields %s off=%u size=%u: table %s, kernel %s\n",
                describe(config).c_str(), offset, size, std::string(nameOf(access->yields)).c_str(),
                kernel.c_str());
  }
  std::printf("  %-58s %6" PRIu64 " of %6" PRIu64 " agree\n",
              ("yields " + describe(config)).c_str(), tally.passed, tally.passed + tally.failed);
  total.passed += tally.passed;
  total.failed += tally.failed;
}

/// Return values just inside and just outside the table's range (or a spread when any value
/// is allowed).
void checkReturns(Loader &loader, const Config &config, TargetReturn target, Tally &total) {
  const auto range = allowedReturnRange(config.type, config.attach, target);
  std::vector<std::pair<std::int64_t, bool>> probes; // value, allowed by the table
  if (range) {
    for (std::int64_t value : {range->minimum, range->maximum, range->minimum - 1,
                               range->maximum + 1, std::int64_t(1) << 32})
      probes.emplace_back(value, range->contains(value));
  } else {
    for (std::int64_t value : {std::int64_t(0), std::int64_t(1), std::int64_t(-1), std::int64_t(5),
                               std::int64_t(0x7fffffff), std::int64_t(1) << 32})
      probes.emplace_back(value, true);
  }
  Tally tally;
  for (auto [value, allowed] : probes) {
    std::vector<RawInstruction> code;
    if (value == std::int64_t(std::int32_t(value))) {
      code.push_back(movImm(0, std::int32_t(value)));
    } else {
      code.push_back(RawInstruction::make(0x18, 0, 0, 0, std::int32_t(std::uint32_t(value))));
      code.push_back(RawInstruction::make(0, 0, 0, 0, std::int32_t(std::uint64_t(value) >> 32)));
    }
    code.push_back(exitInsn);
    const oracle::KernelResult kernel = loader.run(config, code);
    const bool accepted = kernel.verdict == oracle::KernelVerdict::Accepted;
    if (accepted == allowed) {
      ++tally.passed;
      continue;
    }
    ++tally.failed;
    std::printf("MISMATCH return %s r0=%" PRId64 ": table %s, kernel %s: %s\n",
                describe(config).c_str(), value, allowed ? "allows" : "refuses",
                accepted ? "accepts" : "rejects", oracle::reasonLine(kernel.log).c_str());
  }
  std::printf("  %-58s %6" PRIu64 " of %6" PRIu64 " agree\n",
              ("return " + describe(config)).c_str(), tally.passed, tally.passed + tally.failed);
  total.passed += tally.passed;
  total.failed += tally.failed;
}

std::vector<Config> configurations() {
  using A = AttachType;
  using P = ProgramType;
  std::vector<Config> configs = {
      {P::SocketFilter, std::nullopt},
      {P::Kprobe, std::nullopt},
      {P::Kprobe, A::TraceKprobeMulti},
      {P::Kprobe, A::TraceKprobeSession},
      {P::Kprobe, A::TraceUprobeMulti},
      {P::Kprobe, A::TraceUprobeSession},
      {P::SchedCls, std::nullopt},
      {P::SchedCls, A::TcxIngress},
      {P::SchedAct, std::nullopt},
      {P::Tracepoint, std::nullopt, {}, {}, {}, 128},
      {P::Xdp, std::nullopt},
      {P::Xdp, A::Xdp},
      {P::Xdp, A::XdpDevmap},
      {P::Xdp, A::XdpCpumap},
      {P::PerfEvent, std::nullopt},
      {P::CgroupSkb, A::CgroupInetIngress},
      {P::CgroupSkb, A::CgroupInetEgress},
      {P::CgroupSock, A::CgroupInetSockCreate},
      {P::CgroupSock, A::CgroupInetSockRelease},
      {P::CgroupSock, A::CgroupInet4PostBind},
      {P::CgroupSock, A::CgroupInet6PostBind},
      {P::LwtIn, std::nullopt},
      {P::LwtOut, std::nullopt},
      {P::LwtXmit, std::nullopt},
      {P::LwtSeg6local, std::nullopt},
      {P::SockOps, std::nullopt},
      {P::SkSkb, std::nullopt},
      {P::SkSkb, A::SkSkbStreamParser},
      {P::SkSkb, A::SkSkbStreamVerdict},
      {P::SkSkb, A::SkSkbVerdict},
      {P::CgroupDevice, std::nullopt},
      {P::SkMsg, std::nullopt},
      {P::RawTracepoint, std::nullopt},
      {P::RawTracepointWritable, std::nullopt},
      {P::LircMode2, std::nullopt},
      {P::SkReuseport, A::SkReuseportSelect},
      {P::SkReuseport, A::SkReuseportSelectOrMigrate},
      {P::FlowDissector, std::nullopt},
      {P::CgroupSysctl, std::nullopt},
      {P::CgroupSockopt, A::CgroupGetsockopt},
      {P::CgroupSockopt, A::CgroupSetsockopt},
      {P::Tracing, A::TraceRawTp, "sched_switch"},
      {P::Tracing, A::TraceIter, "task"},
      {P::Tracing, A::TraceFentry, "bpf_fentry_test1"},
      {P::Tracing, A::TraceFexit, "bpf_fentry_test1"},
      {P::Tracing, A::ModifyReturn, "bpf_modify_return_test"},
      {P::Lsm, A::LsmMac, "file_open"},
      {P::Lsm, A::LsmCgroup, "socket_bind"},
      {P::StructOps, std::nullopt, {}, "tcp_congestion_ops", "ssthresh"},
      {P::StructOps, std::nullopt, {}, "tcp_congestion_ops", "init"},
      {P::SkLookup, A::SkLookup},
      {P::Syscall, std::nullopt, {}, {}, {}, 96, true},
      {P::Netfilter, A::Netfilter},
  };
  for (A hook :
       {A::CgroupInet4Bind, A::CgroupInet6Bind, A::CgroupInet4Connect, A::CgroupInet6Connect,
        A::CgroupUnixConnect, A::CgroupInet4Getpeername, A::CgroupInet6Getpeername,
        A::CgroupUnixGetpeername, A::CgroupInet4Getsockname, A::CgroupInet6Getsockname,
        A::CgroupUnixGetsockname, A::CgroupUdp4Sendmsg, A::CgroupUdp6Sendmsg, A::CgroupUnixSendmsg,
        A::CgroupUdp4Recvmsg, A::CgroupUdp6Recvmsg, A::CgroupUnixRecvmsg})
    configs.push_back({P::CgroupSockAddr, hook});
  return configs;
}

} // namespace

int main() {
  std::string why;
  if (!oracle::kernelAvailable(why)) {
    std::printf("SKIPPED: %s\n", why.c_str());
    return 77;
  }
  const auto start = std::chrono::steady_clock::now();
  BtfPointer vmlinux(btf__load_vmlinux_btf(), &btf__free);
  Loader loader;
  Tally contextTotal, yieldTotal, returnTotal, pointeeTotal;
  std::vector<std::string> uncheckable;

  std::printf("context accesses (offset x width x read/write/sign-extended read):\n");
  for (const Config &config : configurations()) {
    const std::int32_t ok = okReturn(config);
    const oracle::KernelResult trivial = loader.run(config, {movImm(0, ok), exitInsn});
    if (trivial.verdict != oracle::KernelVerdict::Accepted) {
      std::string reason;
      if (trivial.verdict != oracle::KernelVerdict::Rejected)
        reason = std::string(oracle::nameOf(trivial.verdict)) + ", " + trivial.problem;
      else if (trivial.log.empty())
        reason = "BPF_PROG_LOAD fails with errno " + std::to_string(trivial.error) +
                 " before the verifier runs (the program type is not built into this kernel)";
      else
        reason = "the kernel refuses even `r0 = " + std::to_string(ok) +
                 "; exit`: " + oracle::reasonLine(trivial.log);
      uncheckable.push_back(describe(config) + ": " + reason);
      continue;
    }
    const ContextLayout *layout = findContextLayout(config.type, config.attach);
    if (!layout) {
      std::printf("MISMATCH %s: no layout in the table\n", describe(config).c_str());
      ++contextTotal.failed;
      continue;
    }
    ContextAccessOptions options;
    options.btfArguments = targetArguments(vmlinux.get(), config);
    const std::uint32_t limit =
        config.scanLimit ? config.scanLimit : std::min<std::uint32_t>(layout->size + 16, 32767);
    std::vector<std::uint32_t> extra;
    if (config.scanLimit)
      for (std::uint32_t offset = layout->size > 64 ? layout->size - 64 : 0;
           offset < std::min<std::uint32_t>(layout->size + 16, 32768); ++offset)
        if (offset >= limit)
          extra.push_back(offset);
    Probe probe;
    probe.epilogue = {movImm(0, ok), exitInsn};
    checkMatrix(
        loader, config, probe, limit, extra,
        [&](std::uint32_t offset, std::uint32_t size, Access access) {
          ContextAccessOptions withKind = options;
          withKind.signExtended = access == Access::SignExtendedRead;
          return checkContextAccess(config.type, config.attach, offset, size,
                                    access == Access::Write, withKind);
        },
        "ctx", contextTotal);
    checkYields(loader, config, *layout, options, yieldTotal);
  }

  std::printf("structs behind context pointers:\n");
  struct PointeeProbe {
    Config config;
    ContextValue pointer;
    std::uint32_t contextOffset;
    bool nullCheck;
  };
  const PointeeProbe pointeeProbes[] = {
      {{ProgramType::CgroupSockAddr, AttachType::CgroupInet4Connect},
       ContextValue::Socket,
       64,
       false},
      {{ProgramType::SchedCls, std::nullopt}, ContextValue::SockCommonOrNull, 168, true},
      {{ProgramType::FlowDissector, std::nullopt}, ContextValue::FlowKeys, 144, false},
  };
  for (const PointeeProbe &pointee : pointeeProbes) {
    const ContextLayout *layout = pointeeLayout(pointee.pointer);
    Probe probe;
    probe.base = 2;
    probe.prologue.push_back(load(2, 1, std::int16_t(pointee.contextOffset), 8, false));
    if (pointee.nullCheck) // if r2 == 0 goto +1: skip the access
      probe.prologue.push_back(RawInstruction::make(0x15, 2, 0, 1, 0));
    probe.epilogue = {movImm(0, okReturn(pointee.config)), exitInsn};
    checkMatrix(
        loader, pointee.config, probe, layout->size + 8, {},
        [&](std::uint32_t offset, std::uint32_t size, Access access) {
          // sign extension makes no difference behind these pointers
          return checkPointeeAccess(pointee.pointer, offset, size, access == Access::Write);
        },
        std::string(nameOf(pointee.pointer)), pointeeTotal);
  }

  std::printf("return values:\n");
  for (const Config &config : configurations()) {
    const oracle::KernelResult trivial =
        loader.run(config, {movImm(0, okReturn(config)), exitInsn});
    if (trivial.verdict != oracle::KernelVerdict::Accepted)
      continue;
    const auto arguments = targetArguments(vmlinux.get(), config);
    const TargetReturn target =
        arguments && !arguments->returnsValue ? TargetReturn::Void : TargetReturn::Value;
    checkReturns(loader, config, target, returnTotal);
  }

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("not checkable here (%zu):\n", uncheckable.size());
  for (const std::string &line : uncheckable)
    std::printf("  %s\n", line.c_str());
  std::printf("context matrix: %" PRIu64 " of %" PRIu64 " agree\n", contextTotal.passed,
              contextTotal.passed + contextTotal.failed);
  std::printf("load results: %" PRIu64 " of %" PRIu64 " agree\n", yieldTotal.passed,
              yieldTotal.passed + yieldTotal.failed);
  std::printf("pointee matrix: %" PRIu64 " of %" PRIu64 " agree\n", pointeeTotal.passed,
              pointeeTotal.passed + pointeeTotal.failed);
  std::printf("return values: %" PRIu64 " of %" PRIu64 " agree\n", returnTotal.passed,
              returnTotal.passed + returnTotal.failed);
  std::printf("%" PRIu64 " programs loaded in %.1f s\n", loader.loads, seconds);
  const std::uint64_t passed =
      contextTotal.passed + yieldTotal.passed + pointeeTotal.passed + returnTotal.passed;
  const std::uint64_t failed =
      contextTotal.failed + yieldTotal.failed + pointeeTotal.failed + returnTotal.failed;
  std::printf("%" PRIu64 " passed, %" PRIu64 " failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
