// The socket-level contexts of Linux 6.18 (net/core/filter.c): bpf_sock for cgroup_sock
// (sock_filter_is_valid_access, which adds per-attach-type rules to bpf_sock_is_valid_access),
// bpf_sock_addr for cgroup_sock_addr (sock_addr_is_valid_access), bpf_sock_ops, sk_msg_md,
// sk_reuseport_md, bpf_sk_lookup, and bpf_sockopt for cgroup_sockopt (kernel/bpf/cgroup.c,
// cg_sockopt_is_valid_access). Also the structs behind the pointers these contexts yield.
#include "ContextLayoutFamilies.h"

#include <array>

namespace bpfcheck::detail {
namespace {

using V = ContextValue;
using A = AttachType;

// --- cgroup_sock: struct bpf_sock ----------------------------------------------------------

constexpr AttachMask sockCreateRelease =
    attachMask({A::CgroupInetSockCreate, A::CgroupInetSockRelease});
constexpr AttachMask postBind4 = attachMask({A::CgroupInet4PostBind});
constexpr AttachMask postBind6 = attachMask({A::CgroupInet6PostBind});
constexpr AttachMask postBind = postBind4 | postBind6;

// clang-format off
constexpr ContextField cgroupSockFields[] = {
  {.name = "bound_dev_if", .offset = 0, .span = 4, .width = 4, .readSizes = Size4,
   .writeSizes = Size4, .readAttach = sockCreateRelease, .writeAttach = sockCreateRelease,
   .attachNote = "sock_create and sock_release"},
  {.name = "family", .offset = 4, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .narrowAtStartOnly = true},
  {.name = "type", .offset = 8, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .narrowAtStartOnly = true},
  {.name = "protocol", .offset = 12, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .narrowAtStartOnly = true},
  {.name = "mark", .offset = 16, .span = 4, .width = 4, .readSizes = Size4, .writeSizes = Size4,
   .readAttach = sockCreateRelease, .writeAttach = sockCreateRelease,
   .attachNote = "sock_create and sock_release"},
  {.name = "priority", .offset = 20, .span = 4, .width = 4, .readSizes = Size4,
   .writeSizes = Size4, .readAttach = sockCreateRelease, .writeAttach = sockCreateRelease,
   .attachNote = "sock_create and sock_release"},
  {.name = "src_ip4", .offset = 24, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .readAttach = postBind4, .attachNote = "post_bind4"},
  {.name = "src_ip6", .offset = 28, .span = 16, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .readAttach = postBind6, .attachNote = "post_bind6"},
  {.name = "src_port", .offset = 44, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .narrowAtStartOnly = true, .readAttach = postBind, .attachNote = "post_bind4 and post_bind6"},
  {.name = "dst_port", .offset = 48, .span = 2, .width = 2, .readSizes = UpTo4, .writeSizes = 0,
   .mayOverrun = true, .note = "a __be16; a u32 load at its start is allowed too"},
  {"(padding)",          50,  2, 2, 0,     0},
  {"dst_ip4",            52,  4, 4, UpTo4, 0},
  {"dst_ip6",            56, 16, 4, UpTo4, 0},
  {.name = "state", .offset = 72, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .narrowAtStartOnly = true},
  {.name = "rx_queue_mapping", .offset = 76, .span = 4, .width = 4, .readSizes = UpTo4,
   .writeSizes = 0, .narrowAtStartOnly = true},
};
// clang-format on

// --- cgroup_sock_addr: struct bpf_sock_addr ------------------------------------------------

constexpr AttachMask ip4Hooks =
    attachMask({A::CgroupInet4Bind, A::CgroupInet4Connect, A::CgroupInet4Getpeername,
                A::CgroupInet4Getsockname, A::CgroupUdp4Sendmsg, A::CgroupUdp4Recvmsg});
constexpr AttachMask ip6Hooks =
    attachMask({A::CgroupInet6Bind, A::CgroupInet6Connect, A::CgroupInet6Getpeername,
                A::CgroupInet6Getsockname, A::CgroupUdp6Sendmsg, A::CgroupUdp6Recvmsg});
constexpr AttachMask sendmsg4 = attachMask({A::CgroupUdp4Sendmsg});
constexpr AttachMask sendmsg6 = attachMask({A::CgroupUdp6Sendmsg});

// clang-format off
constexpr ContextField sockAddrFields[] = {
  {"user_family",         0,  4, 4, Size4, 0},
  {.name = "user_ip4", .offset = 4, .span = 4, .width = 4, .readSizes = UpTo4,
   .writeSizes = Size4, .readAttach = ip4Hooks, .writeAttach = ip4Hooks,
   .attachNote = "the *4 hooks"},
  {.name = "user_ip6", .offset = 8, .span = 16, .width = 4, .readSizes = AnySize,
   .writeSizes = Size4 | Size8, .readAttach = ip6Hooks, .writeAttach = ip6Hooks,
   .attachNote = "the *6 hooks", .note = "8-byte accesses inside the array are allowed"},
  {"user_port",          24,  4, 4, UpTo4, Size4},
  {"family",             28,  4, 4, Size4, 0},
  {"type",               32,  4, 4, Size4, 0},
  {"protocol",           36,  4, 4, Size4, 0},
  {.name = "msg_src_ip4", .offset = 40, .span = 4, .width = 4, .readSizes = UpTo4,
   .writeSizes = Size4, .readAttach = sendmsg4, .writeAttach = sendmsg4,
   .attachNote = "sendmsg4"},
  {.name = "msg_src_ip6", .offset = 44, .span = 16, .width = 4, .readSizes = AnySize,
   .writeSizes = Size4 | Size8, .readAttach = sendmsg6, .writeAttach = sendmsg6,
   .attachNote = "sendmsg6", .note = "8-byte accesses inside the array are allowed"},
  {"(padding)",          60,  4, 4, 0,     0},
  {"sk",                 64,  8, 8, Size8, 0, V::Socket},
};

// --- sock_ops: struct bpf_sock_ops ---------------------------------------------------------

constexpr ContextField sockOpsFields[] = {
  {"op",                  0,  4, 4, Size4, 0},
  {"reply",               4,  4, 4, Size4, Size4},
  {"args[1..3]",          8, 12, 4, Size4, 0},
  {"family",             20,  4, 4, Size4, 0},
  {"remote_ip4",         24,  4, 4, Size4, 0},
  {"local_ip4",          28,  4, 4, Size4, 0},
  {"remote_ip6",         32, 16, 4, Size4, 0},
  {"local_ip6",          48, 16, 4, Size4, 0},
  {"remote_port",        64,  4, 4, Size4, 0},
  {"local_port",         68,  4, 4, Size4, 0},
  {"is_fullsock",        72,  4, 4, Size4, 0},
  {"snd_cwnd",           76,  4, 4, Size4, 0},
  {"srtt_us",            80,  4, 4, Size4, 0},
  {"bpf_sock_ops_cb_flags", 84, 4, 4, Size4, 0},
  {"state",              88,  4, 4, Size4, 0},
  {"rtt_min",            92,  4, 4, Size4, 0},
  {"snd_ssthresh",       96,  4, 4, Size4, 0},
  {"rcv_nxt",           100,  4, 4, Size4, 0},
  {"snd_nxt",           104,  4, 4, Size4, 0},
  {"snd_una",           108,  4, 4, Size4, 0},
  {"mss_cache",         112,  4, 4, Size4, 0},
  {"ecn_flags",         116,  4, 4, Size4, 0},
  {"rate_delivered",    120,  4, 4, Size4, 0},
  {"rate_interval_us",  124,  4, 4, Size4, 0},
  {"packets_out",       128,  4, 4, Size4, 0},
  {"retrans_out",       132,  4, 4, Size4, 0},
  {"total_retrans",     136,  4, 4, Size4, 0},
  {"segs_in",           140,  4, 4, Size4, 0},
  {"data_segs_in",      144,  4, 4, Size4, 0},
  {"segs_out",          148,  4, 4, Size4, 0},
  {"data_segs_out",     152,  4, 4, Size4, 0},
  {"lost_out",          156,  4, 4, Size4, 0},
  {"sacked_out",        160,  4, 4, Size4, 0},
  {"sk_txhash",         164,  4, 4, Size4, Size4},
  {"bytes_received",    168,  8, 8, Size8, 0},
  {"bytes_acked",       176,  8, 8, Size8, 0},
  {"sk",                184,  8, 8, Size8, 0, V::SocketOrNull},
  {"skb_data",          192,  8, 8, Size8, 0, V::PacketStart},
  {"skb_data_end",      200,  8, 8, Size8, 0, V::PacketEnd},
  {"skb_len",           208,  4, 4, Size4, 0},
  {.name = "skb_tcp_flags", .offset = 212, .span = 4, .width = 4, .readSizes = UpTo4,
   .writeSizes = 0, .narrowAtStartOnly = true},
  {"skb_hwtstamp",      216,  8, 8, Size8, 0},
};

constexpr LeftOutMember sockOpsLeftOut[] = {
  {"args", "union with reply/replylong: args[0] is the reply row, args[1..3] their own row"},
  {"replylong", "same bytes as args; replylong[0] is reply"},
};

// --- sk_msg: struct sk_msg_md --------------------------------------------------------------

constexpr ContextField skMsgFields[] = {
  {"data",                0,  8, 8, Size8, 0, V::PacketStart},
  {"data_end",            8,  8, 8, Size8, 0, V::PacketEnd},
  {"family",             16,  4, 4, Size4, 0},
  {"remote_ip4",         20,  4, 4, Size4, 0},
  {"local_ip4",          24,  4, 4, Size4, 0},
  {"remote_ip6",         28, 16, 4, Size4, 0},
  {"local_ip6",          44, 16, 4, Size4, 0},
  {"remote_port",        60,  4, 4, Size4, 0},
  {"local_port",         64,  4, 4, Size4, 0},
  {"size",               68,  4, 4, Size4, 0},
  {"sk",                 72,  8, 8, Size8, 0, V::Socket},
};

// --- sk_reuseport: struct sk_reuseport_md --------------------------------------------------

constexpr ContextField skReuseportFields[] = {
  {"data",                0,  8, 8, Size8, 0, V::PacketStart},
  {"data_end",            8,  8, 8, Size8, 0, V::PacketEnd},
  {"len",                16,  4, 4, UpTo4, 0},
  {.name = "eth_protocol", .offset = 20, .span = 4, .width = 4, .readSizes = Size2 | Size4,
   .writeSizes = 0, .note = "no 1-byte loads: narrower than sk_buff->protocol"},
  {"ip_protocol",        24,  4, 4, UpTo4, 0},
  {"bind_inany",         28,  4, 4, UpTo4, 0},
  {"hash",               32,  4, 4, Size4, 0},
  {"(padding)",          36,  4, 4, 0,     0},
  {"sk",                 40,  8, 8, Size8, 0, V::Socket},
  {"migrating_sk",       48,  8, 8, Size8, 0, V::SockCommonOrNull},
};

// --- sk_lookup: struct bpf_sk_lookup -------------------------------------------------------

constexpr ContextField skLookupFields[] = {
  {"sk",                  0,  8, 8, Size8, 0, V::SocketOrNull},
  {"family",              8,  4, 4, UpTo4, 0},
  {"protocol",           12,  4, 4, UpTo4, 0},
  {"remote_ip4",         16,  4, 4, UpTo4, 0},
  {"remote_ip6",         20, 16, 4, UpTo4, 0},
  {.name = "remote_port", .offset = 36, .span = 2, .width = 2, .readSizes = UpTo4,
   .writeSizes = 0, .mayOverrun = true,
   .note = "a __be16; a u32 load at its start is allowed for backward compatibility"},
  {.name = "(padding)", .offset = 38, .span = 2, .width = 2, .readSizes = Size1 | Size2,
   .writeSizes = 0, .note = "zero padding, readable for backward compatibility"},
  {"local_ip4",          40,  4, 4, UpTo4, 0},
  {"local_ip6",          44, 16, 4, UpTo4, 0},
  {"local_port",         60,  4, 4, UpTo4, 0},
  {"ingress_ifindex",    64,  4, 4, UpTo4, 0},
};

constexpr LeftOutMember skLookupLeftOut[] = {
  {"cookie", "union with sk: offset 0 is always treated as the sk pointer"},
};

// --- cgroup_sockopt: struct bpf_sockopt ----------------------------------------------------

constexpr AttachMask getsockopt = attachMask({A::CgroupGetsockopt});
constexpr AttachMask setsockopt = attachMask({A::CgroupSetsockopt});

constexpr ContextField sockoptFields[] = {
  {"sk",                  0,  8, 8, Size8, 0, V::Socket},
  {"optval",              8,  8, 8, Size8, 0, V::PacketStart},
  {"optval_end",         16,  8, 8, Size8, 0, V::PacketEnd},
  {.name = "level", .offset = 24, .span = 4, .width = 4, .readSizes = Size4, .writeSizes = Size4,
   .writeAttach = setsockopt, .attachNote = "setsockopt"},
  {.name = "optname", .offset = 28, .span = 4, .width = 4, .readSizes = Size4,
   .writeSizes = Size4, .writeAttach = setsockopt, .attachNote = "setsockopt"},
  {"optlen",             32,  4, 4, Size4, Size4},
  {.name = "retval", .offset = 36, .span = 4, .width = 4, .readSizes = Size4, .writeSizes = Size4,
   .readAttach = getsockopt, .writeAttach = getsockopt, .attachNote = "getsockopt"},
};

// --- Pointees: bpf_sock behind PTR_TO_SOCKET / PTR_TO_SOCK_COMMON, bpf_flow_keys -----------

constexpr ContextField socketFields[] = {
  {"bound_dev_if",        0,  4, 4, Size4, 0},
  {.name = "family", .offset = 4, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .narrowAtStartOnly = true},
  {.name = "type", .offset = 8, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .narrowAtStartOnly = true},
  {.name = "protocol", .offset = 12, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .narrowAtStartOnly = true},
  {"mark",               16,  4, 4, Size4, 0},
  {"priority",           20,  4, 4, Size4, 0},
  {"src_ip4",            24,  4, 4, UpTo4, 0},
  {"src_ip6",            28, 16, 4, UpTo4, 0},
  {.name = "src_port", .offset = 44, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .narrowAtStartOnly = true},
  {.name = "dst_port", .offset = 48, .span = 2, .width = 2, .readSizes = UpTo4, .writeSizes = 0,
   .mayOverrun = true, .note = "a __be16; a u32 load at its start is allowed too"},
  {"(padding)",          50,  2, 2, 0,     0},
  {"dst_ip4",            52,  4, 4, UpTo4, 0},
  {"dst_ip6",            56, 16, 4, UpTo4, 0},
  {.name = "state", .offset = 72, .span = 4, .width = 4, .readSizes = UpTo4, .writeSizes = 0,
   .narrowAtStartOnly = true},
  {.name = "rx_queue_mapping", .offset = 76, .span = 4, .width = 4, .readSizes = UpTo4,
   .writeSizes = 0, .narrowAtStartOnly = true},
};
// clang-format on

/// A sock_common pointer reaches only the fields every socket kind has: not type..priority.
constexpr auto sockCommonFields = [] {
  std::array<ContextField, std::size(socketFields)> fields{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    fields[i] = socketFields[i];
    if (fields[i].offset >= 8 && fields[i].offset < 24) {
      fields[i].readSizes = 0;
      fields[i].note = "not in sock_common (bpf_sock_common_is_valid_access)";
    }
  }
  return fields;
}();

constexpr ContextField flowKeysFields[] = {
    {.name = "(any byte)",
     .offset = 0,
     .span = 56,
     .width = 1,
     .readSizes = AnySize,
     .writeSizes = AnySize,
     .anyAlignment = true,
     .note = "check_flow_keys_access: any width inside the struct, read and write"},
};

/// A u64 member read whole from its start (the row covers its first half).
constexpr ContextField u64FromStart(std::string_view name, std::uint16_t offset) {
  return {.name = name,
          .offset = offset,
          .span = 4,
          .width = 8,
          .readSizes = Size8,
          .writeSizes = 0,
          .mayOverrun = true,
          .note = "a u64: whole from its start"};
}
/// The upper half of a u64 member, read as a u32.
constexpr ContextField u64UpperHalf(std::string_view name, std::uint16_t offset) {
  return {.name = name,
          .offset = offset,
          .span = 4,
          .width = 4,
          .readSizes = Size4,
          .writeSizes = 0,
          .note = "its upper half as a u32"};
}

/// bpf_tcp_sock: u32 loads of every member; the two u64 members whole, or their upper half as
/// a u32 (bpf_tcp_sock_is_valid_access checks `off % size` and the size per offset only).
constexpr ContextField tcpSockFields[] = {
    {"snd_cwnd", 0, 4, 4, Size4, 0},          {"srtt_us", 4, 4, 4, Size4, 0},
    {"rtt_min", 8, 4, 4, Size4, 0},           {"snd_ssthresh", 12, 4, 4, Size4, 0},
    {"rcv_nxt", 16, 4, 4, Size4, 0},          {"snd_nxt", 20, 4, 4, Size4, 0},
    {"snd_una", 24, 4, 4, Size4, 0},          {"mss_cache", 28, 4, 4, Size4, 0},
    {"ecn_flags", 32, 4, 4, Size4, 0},        {"rate_delivered", 36, 4, 4, Size4, 0},
    {"rate_interval_us", 40, 4, 4, Size4, 0}, {"packets_out", 44, 4, 4, Size4, 0},
    {"retrans_out", 48, 4, 4, Size4, 0},      {"total_retrans", 52, 4, 4, Size4, 0},
    {"segs_in", 56, 4, 4, Size4, 0},          {"data_segs_in", 60, 4, 4, Size4, 0},
    {"segs_out", 64, 4, 4, Size4, 0},         {"data_segs_out", 68, 4, 4, Size4, 0},
    {"lost_out", 72, 4, 4, Size4, 0},         {"sacked_out", 76, 4, 4, Size4, 0},
    u64FromStart("bytes_received", 80),       u64UpperHalf("bytes_received", 84),
    u64FromStart("bytes_acked", 88),          u64UpperHalf("bytes_acked", 92),
    {"dsack_dups", 96, 4, 4, Size4, 0},       {"delivered", 100, 4, 4, Size4, 0},
    {"delivered_ce", 104, 4, 4, Size4, 0},    {"icsk_retransmits", 108, 4, 4, Size4, 0},
};

constexpr LeftOutMember flowKeysLeftOut[] = {
    {"nhoff", "one row covers the whole struct"},
    {"thoff", "one row covers the whole struct"},
    {"addr_proto", "one row covers the whole struct"},
    {"is_frag", "one row covers the whole struct"},
    {"is_first_frag", "one row covers the whole struct"},
    {"is_encap", "one row covers the whole struct"},
    {"ip_proto", "one row covers the whole struct"},
    {"n_proto", "one row covers the whole struct"},
    {"sport", "one row covers the whole struct"},
    {"dport", "one row covers the whole struct"},
    {"ipv4_src", "one row covers the whole struct"},
    {"ipv4_dst", "one row covers the whole struct"},
    {"ipv6_src", "one row covers the whole struct"},
    {"ipv6_dst", "one row covers the whole struct"},
    {"flags", "one row covers the whole struct"},
    {"flow_label", "one row covers the whole struct"},
};

constexpr ContextLayout layouts[] = {
    structLayout(ProgramType::CgroupSock, "bpf_sock", 80, cgroupSockFields,
                 "sock_filter_is_valid_access: bound_dev_if/mark/priority on sock_create/release "
                 "(read-write), src_ip4/src_ip6/src_port on post_bind4/6, the rest read-only"),
    structLayout(ProgramType::CgroupSockAddr, "bpf_sock_addr", 72, sockAddrFields,
                 "sock_addr_is_valid_access: user_ip4 on the *4 hooks, user_ip6 on the *6 "
                 "hooks, msg_src_ip4/6 on sendmsg4/6; addresses and user_port writable"),
    structLayout(ProgramType::SockOps, "bpf_sock_ops", 224, sockOpsFields,
                 "sock_ops_is_valid_access: u32 loads only (u64 fields whole), reply and "
                 "sk_txhash writable",
                 sockOpsLeftOut),
    structLayout(ProgramType::SkMsg, "sk_msg_md", 80, skMsgFields,
                 "sk_msg_is_valid_access: read-only, whole fields only"),
    structLayout(ProgramType::SkReuseport, "sk_reuseport_md", 56, skReuseportFields,
                 "sk_reuseport_is_valid_access: read-only"),
    structLayout(ProgramType::SkLookup, "bpf_sk_lookup", 72, skLookupFields,
                 "sk_lookup_is_valid_access: read-only", skLookupLeftOut),
    structLayout(ProgramType::CgroupSockopt, "bpf_sockopt", 40, sockoptFields,
                 "cg_sockopt_is_valid_access: optval as a packet; retval on getsockopt, "
                 "level/optname writable on setsockopt, optlen writable"),
};

constexpr ContextLayout pointees[] = {
    structLayout(ProgramType::Unspec, "bpf_sock", 80, socketFields,
                 "bpf_sock_is_valid_access (PTR_TO_SOCKET): read-only"),
    structLayout(ProgramType::Unspec, "bpf_sock", 80, sockCommonFields,
                 "bpf_sock_common_is_valid_access (PTR_TO_SOCK_COMMON): read-only, not "
                 "type..priority"),
    structLayout(ProgramType::Unspec, "bpf_flow_keys", 56, flowKeysFields,
                 "check_flow_keys_access: any access inside the struct", flowKeysLeftOut),
    structLayout(ProgramType::Unspec, "bpf_tcp_sock", 112, tcpSockFields,
                 "bpf_tcp_sock_is_valid_access (PTR_TO_TCP_SOCK): read-only"),
};

} // namespace

std::span<const ContextLayout> socketContextLayouts() {
  return layouts;
}

std::span<const ContextLayout> pointeeContextLayouts() {
  return pointees;
}

} // namespace bpfcheck::detail
