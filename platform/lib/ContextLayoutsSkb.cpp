// The __sk_buff context of Linux 6.18 as seen by the six families of program types that
// receive it. One row per uapi member, with one column per family saying whether that family
// may read and write it: bpf_skb_is_valid_access gives the widths, and sk_filter_, tc_cls_act_,
// cg_skb_, lwt_, sk_skb_ and flow_dissector_is_valid_access (net/core/filter.c) which family
// sees what.
#include "ContextLayoutFamilies.h"

#include <array>
#include <iterator>

namespace bpfcheck::detail {
namespace {

/// Whether a family may perform an access, and with what privilege.
enum class Permit : std::uint8_t { No, Yes, CapBpf };

/// One family's right to a row.
struct Cell {
  Permit read;
  Permit write;
};

constexpr Cell No{Permit::No, Permit::No};
constexpr Cell Ro{Permit::Yes, Permit::No};
constexpr Cell Rw{Permit::Yes, Permit::Yes};
constexpr Cell RoCap{Permit::CapBpf, Permit::No};  ///< read needs CAP_BPF
constexpr Cell RwCap{Permit::Yes, Permit::CapBpf}; ///< write needs CAP_BPF

/// The families, in the order of SkbRow::cells.
enum Family : std::uint8_t {
  SocketFilter,  ///< sk_filter_is_valid_access
  Tc,            ///< tc_cls_act_is_valid_access (sched_cls, sched_act)
  CgroupSkb,     ///< cg_skb_is_valid_access
  Lwt,           ///< lwt_is_valid_access (lwt_in, lwt_out, lwt_xmit, lwt_seg6local)
  SkSkb,         ///< sk_skb_is_valid_access
  FlowDissector, ///< flow_dissector_is_valid_access
  FamilyCount,
};

struct SkbRow {
  std::string_view name;
  std::uint16_t offset;
  std::uint16_t span;
  std::uint8_t width;
  SizeMask readSizes;
  SizeMask writeSizes;
  ContextValue yields;
  bool refusesSignExtend;
  std::array<Cell, FamilyCount> cells;
  std::string_view note = {};
};

using V = ContextValue;
constexpr V Scalar = V::Scalar;
constexpr V Pkt = V::PacketStart;
constexpr V PktEnd = V::PacketEnd;
constexpr V PktMeta = V::PacketMeta;
constexpr V Flow = V::FlowKeys;
constexpr V SkOrNull = V::SockCommonOrNull;
constexpr bool NoSx = true; ///< sign-extending loads refused
constexpr bool Sx = false;

// clang-format off
constexpr SkbRow skbRows[] = {
  // Columns: member, offset, span, element width, load widths, store widths (where the
  // family may write), what a load yields, whether sign-extending loads are refused, and the
  // rights of socket_filter, tc, cgroup_skb, lwt, sk_skb and flow_dissector.
  {"len",               0,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"pkt_type",          4,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"mark",              8,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Rw, Rw, Rw, No, No},
   "sk_skb refuses mark entirely"},
  {"queue_mapping",    12,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Rw, Ro, Ro, Ro, No}},
  {"protocol",         16,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"vlan_present",     20,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"vlan_tci",         24,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"vlan_proto",       28,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"priority",         32,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Rw, Rw, Rw, Rw, No}},
  {"ingress_ifindex",  36,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"ifindex",          40,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"tc_index",         44,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Rw, Ro, Ro, Rw, No}},
  {"cb",               48, 20, 4, AnySize, AnySize, Scalar,   Sx,    {Rw, Rw, Rw, Rw, Ro, No},
   "any aligned width, as long as the access ends inside cb[4]"},
  {"hash",             68,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"tc_classid",       72,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {No, Rw, No, No, No, No}},
  {"data",             76,  4, 4, Size4,   0,       Pkt,      NoSx,  {No, Ro, RoCap, Ro, Ro, Ro}},
  {"data_end",         80,  4, 4, Size4,   0,       PktEnd,   NoSx,  {No, Ro, RoCap, Ro, Ro, Ro}},
  {"napi_id",          84,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"family",           88,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {No, No, Ro, No, Ro, No}},
  {"remote_ip4",       92,  4, 4, Size4,   Size4,   Scalar,   Sx,    {No, No, Ro, No, Ro, No}},
  {"local_ip4",        96,  4, 4, Size4,   Size4,   Scalar,   Sx,    {No, No, Ro, No, Ro, No}},
  {"remote_ip6",      100, 16, 4, Size4,   Size4,   Scalar,   Sx,    {No, No, Ro, No, Ro, No}},
  {"local_ip6",       116, 16, 4, Size4,   Size4,   Scalar,   Sx,    {No, No, Ro, No, Ro, No}},
  {"remote_port",     132,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {No, No, Ro, No, Ro, No}},
  {"local_port",      136,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {No, No, Ro, No, Ro, No}},
  {"data_meta",       140,  4, 4, Size4,   0,       PktMeta,  NoSx,  {No, Ro, No, No, No, No}},
  {"flow_keys",       144,  8, 8, Size8,   0,       Flow,     Sx,    {No, No, No, No, No, Ro}},
  {"tstamp",          152,  8, 8, Size8,   Size8,   Scalar,   Sx,    {No, Rw, RwCap, No, No, No}},
  {"wire_len",        160,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {No, Ro, No, No, No, No}},
  {"gso_segs",        164,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"sk",              168,  8, 8, Size8,   0,       SkOrNull, Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"gso_size",        176,  4, 4, UpTo4,   Size4,   Scalar,   Sx,    {Ro, Ro, Ro, Ro, Ro, No}},
  {"tstamp_type",     180,  1, 1, Size1,   0,       Scalar,   Sx,    {No, Ro, No, No, No, No},
   "reading it switches the program's tstamp accesses to the typed clock (tstamp_type_access)"},
  {"(padding)",       181,  3, 1, 0,       0,       Scalar,   Sx,    {No, No, No, No, No, No},
   "explicitly refused padding before hwtstamp"},
  {"hwtstamp",        184,  8, 8, Size8,   0,       Scalar,   Sx,    {No, Ro, Ro, No, No, No}},
};
// clang-format on

constexpr std::size_t skbRowCount = std::size(skbRows);

constexpr std::array<ContextField, skbRowCount> fieldsFor(Family family) {
  std::array<ContextField, skbRowCount> fields{};
  for (std::size_t i = 0; i < skbRowCount; ++i) {
    const SkbRow &row = skbRows[i];
    const Cell cell = row.cells[family];
    ContextField &field = fields[i];
    field.name = row.name;
    field.offset = row.offset;
    field.span = row.span;
    field.width = row.width;
    field.readSizes = cell.read == Permit::No ? 0 : row.readSizes;
    field.writeSizes = cell.write == Permit::No ? 0 : row.writeSizes;
    field.yields = row.yields;
    field.refusesSignExtend = row.refusesSignExtend;
    field.readPrivilege = cell.read == Permit::CapBpf ? Privilege::CapBpf : Privilege::None;
    field.writePrivilege = cell.write == Permit::CapBpf ? Privilege::CapBpf : Privilege::None;
    field.note = row.note;
  }
  return fields;
}

constexpr auto socketFilterFields = fieldsFor(SocketFilter);
constexpr auto tcFields = fieldsFor(Tc);
constexpr auto cgroupSkbFields = fieldsFor(CgroupSkb);
constexpr auto lwtFields = fieldsFor(Lwt);
constexpr auto skSkbFields = fieldsFor(SkSkb);
constexpr auto flowDissectorFields = fieldsFor(FlowDissector);

constexpr std::uint32_t skbSize = 192; // sizeof(struct __sk_buff)

constexpr ContextLayout skbLayout(ProgramType type, std::span<const ContextField> fields,
                                  std::string_view rule) {
  return structLayout(type, "__sk_buff", skbSize, fields, rule);
}

constexpr ContextLayout layouts[] = {
    skbLayout(ProgramType::SocketFilter, socketFilterFields,
              "sk_filter_is_valid_access: no packet pointers, only cb[] writable"),
    skbLayout(ProgramType::SchedCls, tcFields,
              "tc_cls_act_is_valid_access: packet, meta and end pointers; mark, tc_index, "
              "priority, tc_classid, cb[], tstamp, queue_mapping writable"),
    skbLayout(ProgramType::SchedAct, tcFields, "tc_cls_act_is_valid_access, as sched_cls"),
    skbLayout(ProgramType::CgroupSkb, cgroupSkbFields,
              "cg_skb_is_valid_access: packet pointers with CAP_BPF; mark, priority, cb[] "
              "writable, tstamp with CAP_BPF"),
    skbLayout(ProgramType::LwtIn, lwtFields,
              "lwt_is_valid_access: packet pointers; mark, priority, cb[] writable"),
    skbLayout(ProgramType::LwtOut, lwtFields, "lwt_is_valid_access"),
    skbLayout(ProgramType::LwtXmit, lwtFields, "lwt_is_valid_access"),
    skbLayout(ProgramType::LwtSeg6local, lwtFields, "lwt_is_valid_access"),
    skbLayout(ProgramType::SkSkb, skSkbFields,
              "sk_skb_is_valid_access: packet pointers; tc_index, priority writable; no mark"),
    skbLayout(ProgramType::FlowDissector, flowDissectorFields,
              "flow_dissector_is_valid_access: only data, data_end and flow_keys, read-only"),
};

} // namespace

std::span<const ContextLayout> skbContextLayouts() {
  return layouts;
}

} // namespace bpfcheck::detail
