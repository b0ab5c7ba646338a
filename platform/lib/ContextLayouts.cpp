// The remaining context layouts (xdp_md, bpf_cgroup_dev_ctx, bpf_sysctl, bpf_nf_ctx, the
// lirc sample, the syscall buffer), the lookup over every family's layouts, and the access
// check that reads the rows.
#include "ContextLayoutFamilies.h"

#include <algorithm>
#include <string>
#include <vector>

namespace bpfcheck {
namespace {

using detail::bufferLayout;
using detail::structLayout;
using V = ContextValue;
using A = AttachType;

// --- xdp: struct xdp_md (xdp_is_valid_access) ----------------------------------------------

constexpr AttachMask xdpDevmap = attachMask({A::XdpDevmap});

// clang-format off
constexpr ContextField xdpFields[] = {
  {.name = "data", .offset = 0, .span = 4, .width = 4, .readSizes = Size4, .writeSizes = 0,
   .yields = V::PacketStart, .refusesSignExtend = true},
  {.name = "data_end", .offset = 4, .span = 4, .width = 4, .readSizes = Size4, .writeSizes = 0,
   .yields = V::PacketEnd, .refusesSignExtend = true},
  {.name = "data_meta", .offset = 8, .span = 4, .width = 4, .readSizes = Size4, .writeSizes = 0,
   .yields = V::PacketMeta, .refusesSignExtend = true},
  {"ingress_ifindex",    12,  4, 4, Size4, 0},
  {.name = "rx_queue_index", .offset = 16, .span = 4, .width = 4, .readSizes = Size4,
   .writeSizes = 0, .note = "writable only by programs offloaded to a device"},
  {.name = "egress_ifindex", .offset = 20, .span = 4, .width = 4, .readSizes = Size4,
   .writeSizes = 0, .readAttach = xdpDevmap, .attachNote = "xdp_devmap programs"},
};

// --- cgroup_device: struct bpf_cgroup_dev_ctx (cgroup_dev_is_valid_access) -----------------

constexpr ContextField cgroupDeviceFields[] = {
  {"access_type",         0,  4, 4, UpTo4, 0},
  {"major",               4,  4, 4, Size4, 0},
  {"minor",               8,  4, 4, Size4, 0},
};

// --- cgroup_sysctl: struct bpf_sysctl (sysctl_is_valid_access) -----------------------------

constexpr ContextField sysctlFields[] = {
  {"write",               0,  4, 4, UpTo4, 0},
  {"file_pos",            4,  4, 4, UpTo4, Size4},
};

// --- netfilter: struct bpf_nf_ctx (nf_is_valid_access) -------------------------------------

constexpr ContextField netfilterFields[] = {
  {.name = "state", .offset = 0, .span = 8, .width = 8, .readSizes = Size8, .writeSizes = 0,
   .yields = V::BtfObject, .btfType = "nf_hook_state"},
  {.name = "skb", .offset = 8, .span = 8, .width = 8, .readSizes = Size8, .writeSizes = 0,
   .yields = V::BtfObject, .btfType = "sk_buff"},
};

// --- lirc_mode2: one u32 sample (lirc_mode2_is_valid_access) -------------------------------

constexpr ContextField lircFields[] = {
  {"sample",              0,  4, 4, Size4, 0},
};

// --- syscall: the caller's ctx_in buffer (syscall_prog_is_valid_access) --------------------

constexpr ContextField syscallFields[] = {
  {.name = "(buffer)", .offset = 0, .span = 65535, .width = 1, .readSizes = AnySize,
   .writeSizes = AnySize, .mayOverrun = true,
   .note = "any aligned access starting below U16_MAX; the real size is checked at run time"},
};
// clang-format on

constexpr ContextLayout otherLayouts[] = {
    structLayout(ProgramType::Xdp, "xdp_md", 24, xdpFields,
                 "xdp_is_valid_access: u32 loads only, read-only; egress_ifindex on xdp_devmap"),
    structLayout(ProgramType::CgroupDevice, "bpf_cgroup_dev_ctx", 12, cgroupDeviceFields,
                 "cgroup_dev_is_valid_access: read-only"),
    structLayout(ProgramType::CgroupSysctl, "bpf_sysctl", 8, sysctlFields,
                 "sysctl_is_valid_access: file_pos writable as u32"),
    structLayout(ProgramType::Netfilter, "bpf_nf_ctx", 16, netfilterFields,
                 "nf_is_valid_access: two trusted kernel pointers, read-only"),
    bufferLayout(ProgramType::LircMode2, "(u32 sample)", 4, lircFields,
                 "lirc_mode2_is_valid_access: one u32 at offset 0"),
    bufferLayout(ProgramType::Syscall, "(ctx_in buffer)", 65535, syscallFields,
                 "syscall_prog_is_valid_access: any aligned access below U16_MAX (sleepable "
                 "programs only)"),
};

/// The kernel's defaults for a missing (zero) expected attach type
/// (bpf_prog_load_fixup_attach_type in kernel/bpf/syscall.c).
struct DefaultAttach {
  ProgramType type;
  AttachType attach;
};
constexpr DefaultAttach defaultAttachTypes[] = {
    {ProgramType::CgroupSock, A::CgroupInetSockCreate},
    {ProgramType::SkReuseport, A::SkReuseportSelect},
};

/// Every family's layouts, in program type order.
std::vector<ContextLayout> gatherLayouts() {
  const std::span<const ContextLayout> families[] = {detail::skbContextLayouts(),
                                                     detail::socketContextLayouts(),
                                                     detail::tracingContextLayouts(), otherLayouts};
  std::uint32_t lastType = 0;
  for (std::span<const ContextLayout> family : families)
    for (const ContextLayout &layout : family)
      lastType = std::max(lastType, static_cast<std::uint32_t>(layout.type));
  std::vector<ContextLayout> all;
  for (std::uint32_t type = 0; type <= lastType; ++type)
    for (std::span<const ContextLayout> family : families)
      for (const ContextLayout &layout : family)
        if (static_cast<std::uint32_t>(layout.type) == type)
          all.push_back(layout);
  return all;
}

std::string describeSizes(SizeMask mask) {
  std::string text;
  for (std::uint32_t size : {1u, 2u, 4u, 8u})
    if (mask & size)
      text += (text.empty() ? "" : ", ") + std::to_string(size);
  return text;
}

/// "__sk_buff->len"; "bpf_sock (padding)" for rows that are not members.
std::string fieldName(const ContextLayout &layout, const ContextField &field) {
  return std::string(layout.structName) + (field.name.starts_with("(") ? " " : "->") +
         std::string(field.name);
}

ContextAccess refuse(ContextAccess access, std::string reason) {
  access.allowed = false;
  access.reason = std::move(reason);
  return access;
}

/// The row-driven check shared by contexts and pointees.
ContextAccess checkFields(const ContextLayout &layout, std::optional<AttachType> attach,
                          std::uint32_t offset, std::uint32_t size, bool write,
                          const ContextAccessOptions &options, std::string_view who) {
  ContextAccess access;
  access.layout = &layout;
  const std::string structName(layout.structName);
  if (!sizeIn(AnySize, size))
    return refuse(access, "invalid access size " + std::to_string(size));
  if (offset >= layout.size)
    return refuse(access, "offset " + std::to_string(offset) + " is outside " + structName + " (" +
                              std::to_string(layout.size) + " bytes)");
  const auto row =
      std::find_if(layout.fields.begin(), layout.fields.end(), [&](const ContextField &field) {
        return offset >= field.offset && offset < std::uint32_t(field.offset) + field.span;
      });
  if (row == layout.fields.end())
    return refuse(access, "no field of " + structName + " at offset " + std::to_string(offset));
  const ContextField &field = *row;
  access.field = &field;
  const std::string name = fieldName(layout, field);
  const char *verb = write ? "store" : "load";
  if (!field.anyAlignment && offset % size != 0)
    return refuse(access, "misaligned " + std::to_string(size) + "-byte " + verb + " at offset " +
                              std::to_string(offset) + " of " + structName);

  const SizeMask sizes = write ? field.writeSizes : field.readSizes;
  const AttachMask allowedAttach = write ? field.writeAttach : field.readAttach;
  const Privilege privilege = write ? field.writePrivilege : field.readPrivilege;
  if (sizes == 0)
    return refuse(access, std::string(write ? "write to " : "read of ") + name + " is not allowed" +
                              (who.empty() ? "" : " in ") + std::string(who));
  if (!attachIn(allowedAttach, attach))
    return refuse(access, name + " is only " + (write ? "writable" : "available") + " on " +
                              std::string(field.attachNote));
  if (privilege == Privilege::CapBpf && !options.capBpf)
    return refuse(access, std::string(write ? "writing " : "reading ") + name + " needs CAP_BPF");
  if (!sizeIn(sizes, size))
    return refuse(access, std::to_string(size) + "-byte " + verb + " of " + name +
                              " is not allowed (allowed widths: " + describeSizes(sizes) + ")");
  if (!write && field.narrowAtStartOnly && size < field.width && offset != field.offset)
    return refuse(access, "narrow loads of " + name + " must start at its first byte (offset " +
                              std::to_string(field.offset) + ")");
  if (!field.mayOverrun && offset + size > std::uint32_t(field.offset) + field.span)
    return refuse(access, std::to_string(size) + "-byte " + verb + " at offset " +
                              std::to_string(offset) + " runs past " + name);
  if (!write && options.signExtended && field.refusesSignExtend)
    return refuse(access, "sign-extending load of " + name + " is not allowed");

  access.allowed = true;
  access.yields = write ? V::Scalar : field.yields;
  access.narrow = !write && size < field.width;
  return access;
}

/// btf_ctx_access: u64 argument slots of the attach target.
ContextAccess checkBtfArguments(const ContextLayout &layout, std::optional<AttachType> attach,
                                std::uint32_t offset, std::uint32_t size, bool write,
                                const ContextAccessOptions &options) {
  ContextAccess access;
  access.layout = &layout;
  const std::string who(nameOf(layout.type));
  if (write)
    return refuse(access, "the context of " + who + " programs is read-only");
  if (!sizeIn(AnySize, size))
    return refuse(access, "invalid access size " + std::to_string(size));
  if (offset >= layout.size)
    return refuse(access, "offset " + std::to_string(offset) +
                              " is past the 12 argument slots (MAX_BPF_FUNC_ARGS)");
  if (offset % size != 0)
    return refuse(access, "misaligned " + std::to_string(size) + "-byte load at offset " +
                              std::to_string(offset));
  if (offset % 8 != 0)
    return refuse(access, "offset " + std::to_string(offset) + " is not a multiple of 8");
  const std::uint32_t argument = offset / 8;
  if (!options.btfArguments) {
    access.allowed = true;
    access.yields = V::BtfArgument;
    return access;
  }
  const BtfArguments &target = *options.btfArguments;
  bool pointer = false;
  if (argument < target.count) {
    pointer = (target.pointerMask >> argument) & 1;
  } else {
    const bool readsReturn =
        attachIn(attachMask({A::TraceFexit, A::ModifyReturn, A::LsmMac, A::LsmCgroup}), attach);
    const bool returnReadable = argument == target.count && readsReturn && target.returnsValue &&
                                !(attach == A::ModifyReturn && target.returnIsPointer);
    if (!returnReadable)
      return refuse(access, "the target has no argument " + std::to_string(argument + 1) +
                                " (it takes " + std::to_string(target.count) + ")");
    pointer = target.returnIsPointer;
  }
  if (pointer && size != 8)
    return refuse(access, "argument " + std::to_string(argument) +
                              " is a pointer: it must be read with an 8-byte load");
  access.allowed = true;
  access.yields = pointer ? V::BtfArgument : V::Scalar;
  return access;
}

} // namespace

std::string_view nameOf(ContextValue value) {
  switch (value) {
  case V::Scalar:
    return "scalar";
  case V::PacketStart:
    return "pkt";
  case V::PacketEnd:
    return "pkt_end";
  case V::PacketMeta:
    return "pkt_meta";
  case V::Socket:
    return "sock";
  case V::SocketOrNull:
    return "sock_or_null";
  case V::SockCommonOrNull:
    return "sock_common_or_null";
  case V::FlowKeys:
    return "flow_keys";
  case V::TcpSock:
    return "tcp_sock";
  case V::TracepointBuffer:
    return "tp_buffer";
  case V::BtfObject:
    return "trusted_ptr_";
  case V::BtfArgument:
    return "btf_argument";
  }
  return "";
}

std::span<const ContextLayout> allContextLayouts() {
  static const std::vector<ContextLayout> all = gatherLayouts();
  return all;
}

std::optional<AttachType> effectiveAttachType(ProgramType type, std::optional<AttachType> attach) {
  if (attach && *attach != AttachType{0})
    return attach;
  for (const DefaultAttach &entry : defaultAttachTypes)
    if (entry.type == type)
      return entry.attach;
  return attach;
}

const ContextLayout *findContextLayout(ProgramType type, std::optional<AttachType> attach) {
  attach = effectiveAttachType(type, attach);
  for (const ContextLayout &layout : allContextLayouts())
    if (layout.type == type && attachIn(layout.attach, attach))
      return &layout;
  return nullptr;
}

ContextAccess checkContextAccess(ProgramType type, std::optional<AttachType> attach,
                                 std::uint32_t offset, std::uint32_t size, bool write,
                                 const ContextAccessOptions &options) {
  const ContextLayout *layout = findContextLayout(type, attach);
  if (!layout) {
    ContextAccess access;
    access.reason = "no context layout for program type " + std::string(nameOf(type));
    return access;
  }
  attach = effectiveAttachType(type, attach);
  switch (layout->kind) {
  case LayoutKind::Fields:
    return checkFields(*layout, attach, offset, size, write, options,
                       std::string(nameOf(type)) + " programs");
  case LayoutKind::BtfArguments:
    return checkBtfArguments(*layout, attach, offset, size, write, options);
  case LayoutKind::ReplacedProgram:
    break;
  }
  ContextAccess access;
  access.layout = layout;
  access.reason = "freplace programs follow the context rules of the program they replace";
  return access;
}

const ContextLayout *pointeeLayout(ContextValue pointer) {
  const std::span<const ContextLayout> pointees = detail::pointeeContextLayouts();
  switch (pointer) {
  case V::Socket:
  case V::SocketOrNull:
    return &pointees[0];
  case V::SockCommonOrNull:
    return &pointees[1];
  case V::FlowKeys:
    return &pointees[2];
  case V::TcpSock:
    return &pointees[3];
  default:
    return nullptr;
  }
}

ContextAccess checkPointeeAccess(ContextValue pointer, std::uint32_t offset, std::uint32_t size,
                                 bool write) {
  const ContextLayout *layout = pointeeLayout(pointer);
  if (!layout) {
    ContextAccess access;
    access.reason = "no layout for a " + std::string(nameOf(pointer)) + " pointer";
    return access;
  }
  return checkFields(*layout, std::nullopt, offset, size, write, {}, "");
}

} // namespace bpfcheck
