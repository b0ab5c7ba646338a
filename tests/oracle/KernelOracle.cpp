// Talks to the kernel through the raw bpf() system call with the uapi `union bpf_attr`,
// so that exactly what bpfcheck's frontend produced is what the kernel judges.
#include "KernelOracle.h"

#include <bpf/btf.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <regex>
#include <vector>

namespace bpfcheck::oracle {
namespace {

using encoding::RawInstruction;

long bpf(int command, bpf_attr &attr) {
  return syscall(__NR_bpf, command, &attr, sizeof attr);
}

/// Closes the file descriptors it holds.
class FdSet {
public:
  FdSet() = default;
  FdSet(const FdSet &) = delete;
  FdSet &operator=(const FdSet &) = delete;
  ~FdSet() {
    for (int fd : fds)
      close(fd);
  }
  int keep(int fd) {
    if (fd >= 0)
      fds.push_back(fd);
    return fd;
  }

private:
  std::vector<int> fds;
};

std::uint64_t pointer(const void *p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

/// The kernel takes object names of at most 15 characters from [A-Za-z0-9_.].
void copyName(char (&destination)[BPF_OBJ_NAME_LEN], const std::string &name) {
  std::size_t n = 0;
  for (char c : name) {
    if (n + 1 >= BPF_OBJ_NAME_LEN)
      break;
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')
      destination[n++] = c;
  }
  destination[n] = '\0';
}

std::string errorText(int error) {
  return std::string(std::strerror(error));
}

struct Loader {
  const Object &object;
  FdSet fds;
  int btfFd = -1;
  std::map<std::size_t, int> mapFds;
  std::string problem;

  /// The object's BTF as the kernel accepts it (libbpf adjusts it alike): extern functions
  /// (the kfuncs a program declares) become typedefs of their prototypes, and the `.ksyms` section
  /// listing them an anonymous struct of as many ints, since the kernel refuses both as they are.
  static std::vector<std::byte> loadableBtf(const std::vector<std::byte> &raw) {
    std::unique_ptr<btf, decltype(&btf__free)> types(
        btf__new(raw.data(), std::uint32_t(raw.size())), btf__free);
    if (!types)
      return raw;
    std::uint32_t intId = 0;
    for (std::uint32_t id = 1; id < btf__type_cnt(types.get()) && intId == 0; ++id) {
      const btf_type *type = btf__type_by_id(types.get(), id);
      if (btf_is_int(type) && type->size == 4)
        intId = id;
    }
    for (std::uint32_t id = 1; id < btf__type_cnt(types.get()); ++id) {
      auto *type = const_cast<btf_type *>(btf__type_by_id(types.get(), id));
      if (btf_is_func(type) && btf_vlen(type) == BTF_FUNC_EXTERN)
        type->info = std::uint32_t(BTF_KIND_TYPEDEF) << 24; // still names its prototype
      const char *name = btf__name_by_offset(types.get(), type->name_off);
      if (intId == 0 || !btf_is_datasec(type) || !name || std::strcmp(name, ".ksyms") != 0)
        continue;
      // A member has the size of a section entry: rewrite each in place.
      const std::uint32_t count = btf_vlen(type);
      auto *members = reinterpret_cast<btf_member *>(type + 1);
      for (std::uint32_t i = 0; i < count; ++i)
        members[i] = btf_member{0, intId, 32 * i};
      type->name_off = 0;
      type->info = (std::uint32_t(BTF_KIND_STRUCT) << 24) | count;
      type->size = 4 * count;
    }
    std::uint32_t size = 0;
    const auto *bytes = static_cast<const std::byte *>(btf__raw_data(types.get(), &size));
    return std::vector<std::byte>(bytes, bytes + size);
  }

  void loadBtf() {
    if (object.btf.empty())
      return;
    const std::vector<std::byte> loadable = loadableBtf(object.btf);
    std::vector<char> log(1 << 16);
    bpf_attr attr{};
    attr.btf = pointer(loadable.data());
    attr.btf_size = std::uint32_t(loadable.size());
    attr.btf_log_buf = pointer(log.data());
    attr.btf_log_size = std::uint32_t(log.size());
    attr.btf_log_level = 1;
    btfFd = fds.keep(int(bpf(BPF_BTF_LOAD, attr)));
  }

  int createMap(std::size_t index) {
    if (auto it = mapFds.find(index); it != mapFds.end())
      return it->second;
    const MapDefinition &map = object.maps[index];
    if (map.type == BPF_MAP_TYPE_STRUCT_OPS) {
      problem = "map '" + map.name + "' is a struct_ops map, which the oracle does not create";
      return -1;
    }
    int innerFd = -1;
    if (map.innerMap) {
      innerFd = createMap(*map.innerMap);
      if (innerFd < 0)
        return -1;
    }
    auto create = [&](bool withBtf) {
      bpf_attr attr{};
      attr.map_type = map.type;
      attr.key_size = map.keySize;
      attr.value_size = map.valueSize;
      attr.max_entries = map.maxEntries;
      if (map.type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && map.maxEntries == 0)
        attr.max_entries = std::uint32_t(sysconf(_SC_NPROCESSORS_CONF));
      attr.map_flags = map.flags;
      attr.numa_node = (map.flags & BPF_F_NUMA_NODE) ? map.numaNode : 0;
      attr.map_extra = map.mapExtra;
      attr.inner_map_fd = innerFd >= 0 ? std::uint32_t(innerFd) : 0;
      copyName(attr.map_name, map.name);
      if (withBtf && btfFd >= 0 && map.valueTypeId != 0) {
        attr.btf_fd = std::uint32_t(btfFd);
        attr.btf_key_type_id = map.keyTypeId;
        attr.btf_value_type_id = map.valueTypeId;
      }
      return int(bpf(BPF_MAP_CREATE, attr));
    };
    int fd = create(true);
    if (fd < 0)
      fd = create(false); // as libbpf does: retry without BTF
    if (fd < 0) {
      problem = "cannot create map '" + map.name + "': " + errorText(errno);
      return -1;
    }
    fds.keep(fd);
    if (map.origin == MapOrigin::GlobalData) {
      std::uint32_t key = 0;
      bpf_attr attr{};
      attr.map_fd = std::uint32_t(fd);
      attr.key = pointer(&key);
      std::vector<std::byte> zeros;
      if (map.initialData.empty())
        zeros.resize(map.valueSize);
      attr.value = pointer(map.initialData.empty() ? zeros.data() : map.initialData.data());
      if (bpf(BPF_MAP_UPDATE_ELEM, attr) != 0) {
        problem = "cannot initialise map '" + map.name + "': " + errorText(errno);
        return -1;
      }
      if (map.readOnly) {
        bpf_attr freeze{};
        freeze.map_fd = std::uint32_t(fd);
        bpf(BPF_MAP_FREEZE, freeze);
      }
    }
    mapFds[index] = fd;
    return fd;
  }
};

/// The kernel BTF id that a tracing, LSM or iterator program attaches to.
std::optional<std::uint32_t> attachBtfId(const Program &program, std::string &problem) {
  std::string name;
  int kind = BTF_KIND_FUNC;
  if (program.type == ProgramType::Lsm)
    name = "bpf_lsm_" + program.attachTarget;
  else if (program.expectedAttachType == AttachType::TraceRawTp) {
    name = "btf_trace_" + program.attachTarget;
    kind = BTF_KIND_TYPEDEF;
  } else if (program.expectedAttachType == AttachType::TraceIter)
    name = "bpf_iter_" + program.attachTarget;
  else
    name = program.attachTarget;
  std::unique_ptr<btf, void (*)(btf *)> vmlinux(btf__load_vmlinux_btf(), &btf__free);
  if (!vmlinux) {
    problem = "cannot read the kernel's BTF";
    return std::nullopt;
  }
  const int id = btf__find_by_name_kind(vmlinux.get(), name.c_str(), kind);
  if (id <= 0) {
    problem = "attach target '" + name + "' is not in the kernel's BTF";
    return std::nullopt;
  }
  return std::uint32_t(id);
}

/// A struct_ops program attaches to a kernel struct (BTF id) at a member (index).
std::optional<std::pair<std::uint32_t, std::uint32_t>> structOpsTarget(const Program &program,
                                                                       std::string &problem) {
  if (program.structOpsType.empty()) {
    problem = "no .struct_ops map assigns this program to a struct member";
    return std::nullopt;
  }
  std::unique_ptr<btf, void (*)(btf *)> vmlinux(btf__load_vmlinux_btf(), &btf__free);
  const int id = vmlinux ? btf__find_by_name_kind(vmlinux.get(), program.structOpsType.c_str(),
                                                  BTF_KIND_STRUCT)
                         : -1;
  if (id <= 0) {
    problem = "struct " + program.structOpsType + " is not in the kernel's BTF";
    return std::nullopt;
  }
  const btf_type *type = btf__type_by_id(vmlinux.get(), std::uint32_t(id));
  const btf_member *member = btf_members(type);
  for (unsigned i = 0; i < btf_vlen(type); ++i, ++member)
    if (program.structOpsMember == btf__name_by_offset(vmlinux.get(), member->name_off))
      return std::pair{std::uint32_t(id), std::uint32_t(i)};
  problem = "struct " + program.structOpsType + " has no member " + program.structOpsMember;
  return std::nullopt;
}

std::optional<std::uint64_t> processedInstructions(const std::string &log) {
  static const std::regex processed(R"(processed (\d+) insns)");
  std::smatch match;
  if (std::regex_search(log, match, processed))
    return std::stoull(match[1].str());
  return std::nullopt;
}

} // namespace

const char *nameOf(KernelVerdict verdict) {
  switch (verdict) {
  case KernelVerdict::Accepted:
    return "accept";
  case KernelVerdict::Rejected:
    return "reject";
  case KernelVerdict::Environment:
    return "environment";
  case KernelVerdict::Unsupported:
    return "unsupported";
  }
  return "?";
}

bool kernelAvailable(std::string &why) {
  const RawInstruction program[] = {RawInstruction::make(0xb7, 0, 0, 0, 0),
                                    RawInstruction::make(0x95, 0, 0, 0, 0)};
  static const char license[] = "GPL";
  bpf_attr attr{};
  attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
  attr.insns = pointer(program);
  attr.insn_cnt = 2;
  attr.license = pointer(license);
  const int fd = int(bpf(BPF_PROG_LOAD, attr));
  if (fd < 0) {
    why = "bpf(BPF_PROG_LOAD) is not permitted here: " + errorText(errno);
    return false;
  }
  close(fd);
  return true;
}

namespace {

/// Loads `program` with `loader`'s maps and BTF; the program's fd goes to `keptFd` when
/// given (the caller closes it), else it is closed at once.
KernelResult loadWith(Loader &loader, const Program &program, int *keptFd) {
  const Object &object = loader.object;
  KernelResult result;
  if (program.slots.empty()) {
    result.problem = "the frontend could not link the program: " + program.malformed;
    return result;
  }
  loader.loadBtf();

  std::vector<RawInstruction> slots = program.slots;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    RawInstruction &insn = slots[i];
    if (insn.opcode != (BPF_LD | BPF_IMM | BPF_DW))
      continue;
    if (insn.src() == BPF_PSEUDO_MAP_IDX || insn.src() == BPF_PSEUDO_MAP_IDX_VALUE) {
      const int fd = loader.createMap(std::size_t(insn.imm));
      if (fd < 0) {
        result.problem = loader.problem;
        return result;
      }
      const std::uint8_t kind =
          insn.src() == BPF_PSEUDO_MAP_IDX ? BPF_PSEUDO_MAP_FD : BPF_PSEUDO_MAP_VALUE;
      insn = RawInstruction::make(insn.opcode, insn.dst(), kind, insn.offset, fd);
    }
    ++i; // the second slot
  }

  bpf_attr attr{};
  attr.prog_type = std::uint32_t(program.type);
  attr.expected_attach_type =
      program.expectedAttachType ? std::uint32_t(*program.expectedAttachType) : 0;
  attr.insns = pointer(slots.data());
  attr.insn_cnt = std::uint32_t(slots.size());
  attr.license = pointer(object.license.c_str());
  copyName(attr.prog_name, program.name);
  if (program.sleepable)
    attr.prog_flags |= BPF_F_SLEEPABLE;
  if (program.section.find(".frags") != std::string::npos)
    attr.prog_flags |= 1U << 5; // BPF_F_XDP_HAS_FRAGS
  if (program.type == ProgramType::Ext) {
    result.problem = "freplace programs need a target program, which the oracle does not set up";
    return result;
  }
  if (program.type == ProgramType::StructOps) {
    const auto target = structOpsTarget(program, result.problem);
    if (!target)
      return result;
    attr.attach_btf_id = target->first;
    attr.expected_attach_type = target->second;
  }
  if (program.type == ProgramType::Tracing || program.type == ProgramType::Lsm) {
    const auto id = attachBtfId(program, result.problem);
    if (!id)
      return result;
    attr.attach_btf_id = *id;
  }
  std::vector<bpf_line_info> lines;
  if (loader.btfFd >= 0) {
    attr.prog_btf_fd = std::uint32_t(loader.btfFd);
    attr.func_info = pointer(program.funcInfo.data());
    attr.func_info_cnt = std::uint32_t(program.funcInfo.size());
    attr.func_info_rec_size = sizeof(FuncInfoRecord);
    for (const LineInfoRecord &line : program.lineInfo)
      lines.push_back(
          {line.insnOffset, line.fileNameOffset, line.lineOffset, (line.line << 10) | line.column});
    static_assert(sizeof(FuncInfoRecord) == sizeof(bpf_func_info));
    attr.line_info = pointer(lines.data());
    attr.line_info_cnt = std::uint32_t(lines.size());
    attr.line_info_rec_size = sizeof(bpf_line_info);
  }

  std::vector<char> log(16u << 20);
  attr.log_buf = pointer(log.data());
  attr.log_size = std::uint32_t(log.size());
  attr.log_level = 1 | 4; // BPF_LOG_LEVEL1 | BPF_LOG_STATS
  const auto start = std::chrono::steady_clock::now();
  const int fd = int(bpf(BPF_PROG_LOAD, attr));
  const int error = errno;
  result.timeMicroseconds = std::uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(
                                              std::chrono::steady_clock::now() - start)
                                              .count());
  result.log = std::string(log.data(), strnlen(log.data(), log.size()));
  result.processedInstructions = processedInstructions(result.log);
  if (fd >= 0) {
    if (keptFd)
      *keptFd = fd;
    else
      close(fd);
    result.verdict = KernelVerdict::Accepted;
    return result;
  }
  result.error = error;
  if (result.log.empty() && (error == EPERM || error == ENOTSUP || error == EOPNOTSUPP)) {
    result.verdict = KernelVerdict::Environment;
    result.problem =
        "BPF_PROG_LOAD failed with " + errorText(error) + " before the verifier ran (empty log)";
    return result;
  }
  result.verdict = KernelVerdict::Rejected;
  return result;
}

} // namespace

KernelResult loadInKernel(const Object &object, const Program &program) {
  Loader loader{object, {}, -1, {}, {}};
  return loadWith(loader, program, nullptr);
}

KernelTestRun testRunInKernel(const Object &object, const Program &program,
                              const TestRunInput &input) {
  KernelTestRun run;
  Loader loader{object, {}, -1, {}, {}};
  int fd = -1;
  run.load = loadWith(loader, program, &fd);
  if (fd < 0)
    return run;
  std::vector<std::byte> dataOut(input.packet.size() + 4096);
  std::vector<std::byte> contextOut(std::max<std::size_t>(input.context.size(), 256));
  bpf_attr attr{};
  attr.test.prog_fd = std::uint32_t(fd);
  attr.test.repeat = input.repeat;
  if (!input.packet.empty()) {
    attr.test.data_in = pointer(input.packet.data());
    attr.test.data_size_in = std::uint32_t(input.packet.size());
    attr.test.data_out = pointer(dataOut.data());
    attr.test.data_size_out = std::uint32_t(dataOut.size());
  }
  if (!input.context.empty()) {
    attr.test.ctx_in = pointer(input.context.data());
    attr.test.ctx_size_in = std::uint32_t(input.context.size());
    attr.test.ctx_out = pointer(contextOut.data());
    attr.test.ctx_size_out = std::uint32_t(contextOut.size());
  }
  const long status = bpf(BPF_PROG_TEST_RUN, attr);
  run.error = status < 0 ? errno : 0;
  close(fd);
  if (status < 0)
    return run;
  run.ran = true;
  run.returnValue = attr.test.retval;
  run.durationNanoseconds = attr.test.duration;
  if (!input.packet.empty())
    run.packetOut.assign(dataOut.begin(), dataOut.begin() + attr.test.data_size_out);
  if (!input.context.empty())
    run.contextOut.assign(contextOut.begin(), contextOut.begin() + attr.test.ctx_size_out);
  return run;
}

} // namespace bpfcheck::oracle
