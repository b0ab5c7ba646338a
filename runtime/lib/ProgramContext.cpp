// Contexts as the kernel's BPF_PROG_TEST_RUN builds them (net/bpf/test_run.c):
// bpf_prog_test_run_skb for the socket-buffer types (the frame must hold an Ethernet header;
// tc programs see it, the others start at the network header; the device is the loopback,
// ifindex 1), bpf_prog_test_run_xdp (XDP_PACKET_HEADROOM before the frame, ctx_in's data is
// the metadata length), and the raw bytes of syscall and tracing programs.
#include "bpfcheck/runtime/ProgramContext.h"

#include <linux/bpf.h>
#include <linux/if_ether.h>

#include <asm/ptrace.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

namespace bpfcheck::runtime {

namespace {

/// Facts of net/bpf/test_run.c and the loopback device it runs packets on.
constexpr std::uint32_t loopbackIfindex = 1;
constexpr std::uint32_t socketBufferHeadroom = 64; // NET_SKB_PAD + NET_IP_ALIGN on x86
constexpr std::uint32_t socketBufferCapacity = 4096 - socketBufferHeadroom - 320;
constexpr std::uint32_t maximumXdpMetadata = 32; // XDP_METADATA_MAX (xdp_metalen_invalid)
constexpr std::uint32_t packetHost = 0, packetBroadcast = 1, packetMulticast = 2,
                        packetOtherHost = 3;

/// The __sk_buff byte ranges ctx_in may set (convert___skb_to_skb): every other byte must be
/// zero.
struct FieldRange {
  std::size_t begin, end;
};
#define SKB_FIELD(name)                                                                            \
  FieldRange {                                                                                     \
    offsetof(__sk_buff, name), offsetof(__sk_buff, name) + sizeof(__sk_buff::name)                 \
  }
constexpr FieldRange settableSocketBufferFields[] = {
    SKB_FIELD(mark),     SKB_FIELD(priority), SKB_FIELD(ifindex),
    SKB_FIELD(cb),       SKB_FIELD(tstamp),   SKB_FIELD(wire_len),
    SKB_FIELD(gso_segs), SKB_FIELD(gso_size), SKB_FIELD(hwtstamp),
};
#undef SKB_FIELD

bool settable(std::size_t offset) {
  return std::any_of(
      std::begin(settableSocketBufferFields), std::end(settableSocketBufferFields),
      [&](const FieldRange &range) { return offset >= range.begin && offset < range.end; });
}

/// How BPF_PROG_TEST_RUN (bpf_prog_test_run_skb / _xdp / _raw_tp / _tracing / _syscall)
/// hands each program type its context, and whether a socket-buffer program sees the
/// Ethernet header (is_l2: tc only). Kprobes have no test run; bpfcheck gives them pt_regs.
struct ContextRow {
  ProgramType type;
  ContextShape shape;
  bool seesLinkHeader = false;
};
constexpr ContextRow contextRows[] = {
    {ProgramType::SocketFilter, ContextShape::SocketBuffer},
    {ProgramType::SchedCls, ContextShape::SocketBuffer, true},
    {ProgramType::SchedAct, ContextShape::SocketBuffer, true},
    {ProgramType::CgroupSkb, ContextShape::SocketBuffer},
    {ProgramType::LwtIn, ContextShape::SocketBuffer},
    {ProgramType::LwtOut, ContextShape::SocketBuffer},
    {ProgramType::LwtXmit, ContextShape::SocketBuffer},
    {ProgramType::LwtSeg6local, ContextShape::SocketBuffer},
    {ProgramType::Xdp, ContextShape::Xdp},
    {ProgramType::Syscall, ContextShape::Bytes},
    {ProgramType::Kprobe, ContextShape::Bytes},
    {ProgramType::RawTracepoint, ContextShape::Bytes},
    {ProgramType::RawTracepointWritable, ContextShape::Bytes},
    {ProgramType::Tracing, ContextShape::Bytes},
};

const ContextRow *contextRowOf(ProgramType type) {
  for (const ContextRow &row : contextRows)
    if (row.type == type)
      return &row;
  return nullptr;
}

/// eth_type_trans's packet type on a device whose address is all zero (the loopback).
std::uint32_t packetTypeOf(std::span<const std::byte> frame) {
  const auto *destination = reinterpret_cast<const unsigned char *>(frame.data());
  const bool broadcast = std::all_of(destination, destination + ETH_ALEN,
                                     [](unsigned char byte) { return byte == 0xff; });
  if (broadcast)
    return packetBroadcast;
  if (destination[0] & 1)
    return packetMulticast;
  const bool ours = std::all_of(destination, destination + ETH_ALEN,
                                [](unsigned char byte) { return byte == 0; });
  return ours ? packetHost : packetOtherHost;
}

template <typename Struct> Struct &viewAs(std::vector<std::byte> &bytes) {
  return *reinterpret_cast<Struct *>(bytes.data());
}
template <typename Struct> const Struct &viewAs(const std::vector<std::byte> &bytes) {
  return *reinterpret_cast<const Struct *>(bytes.data());
}

} // namespace

std::optional<ContextShape> contextShapeOf(ProgramType type) {
  const ContextRow *row = contextRowOf(type);
  return row ? std::optional(row->shape) : std::nullopt;
}

Expected<ProgramContext> ProgramContext::create(ProgramType type, const ContextInput &input) {
  const std::optional<ContextShape> shape = contextShapeOf(type);
  if (!shape)
    return Error("bpfcheck cannot build the context of " + std::string(nameOf(type)) +
                 " programs (it builds those of socket-buffer, XDP, syscall, kprobe and "
                 "tracing programs)");
  ProgramContext context;
  context.kind = *shape;
  context.programType = type;

  if (*shape == ContextShape::Bytes) {
    if ((type == ProgramType::RawTracepoint || type == ProgramType::Tracing) &&
        input.context.size() % 8 != 0)
      return Error("the arguments of a " + std::string(nameOf(type)) +
                   " program are 64-bit values: ctx of " + std::to_string(input.context.size()) +
                   " bytes is not a multiple of 8");
    if (!input.packet.empty())
      return Error(std::string(nameOf(type)) + " programs take no packet");
    context.structure = input.context;
    // A kprobe reads struct pt_regs; BPF_PROG_TEST_RUN has no kprobe runs, so bpfcheck's
    // default is registers all zero.
    if (type == ProgramType::Kprobe && context.structure.size() < sizeof(pt_regs))
      context.structure.resize(sizeof(pt_regs), std::byte{0});
    return context;
  }

  if (input.packet.size() < ETH_HLEN)
    return Error("a " + std::string(nameOf(type)) + " program runs on a frame of at least " +
                 std::to_string(ETH_HLEN) + " bytes (an Ethernet header); the packet has " +
                 std::to_string(input.packet.size()));

  if (*shape == ContextShape::Xdp) {
    context.structure.assign(sizeof(xdp_md), std::byte{0});
    xdp_md requested{};
    if (!input.context.empty()) {
      if (input.context.size() > sizeof(xdp_md))
        return Error("ctx of " + std::to_string(input.context.size()) +
                     " bytes is larger than xdp_md (" + std::to_string(sizeof(xdp_md)) + ")");
      std::memcpy(&requested, input.context.data(), input.context.size());
      // xdp_convert_md_to_buff: data is the metadata length, data_end the frame's length.
      if (requested.data_meta || requested.egress_ifindex ||
          requested.data_end != input.packet.size() || requested.data > requested.data_end ||
          requested.data > maximumXdpMetadata || requested.data % 4)
        return Error("ctx_in's xdp_md is invalid for this frame: data must be the metadata "
                     "length (a multiple of 4, at most 32), data_end the frame's length, "
                     "data_meta and egress_ifindex zero");
    }
    const std::uint32_t metadata = requested.data;
    auto buffer = PacketBuffer::create(
        std::span(input.packet).subspan(metadata), PacketBuffer::XdpHeadroom + metadata,
        std::max<std::uint32_t>(PacketBuffer::XdpMaximumFrame,
                                static_cast<std::uint32_t>(input.packet.size())));
    if (!buffer)
      return buffer.takeError();
    if (metadata) {
      (void)buffer->adjustMeta(-static_cast<std::int32_t>(metadata), maximumXdpMetadata);
      std::memcpy(buffer->dataMeta(), input.packet.data(), metadata);
    }
    context.frame.emplace(std::move(*buffer));
    xdp_md &md = viewAs<xdp_md>(context.structure);
    md.ingress_ifindex = requested.ingress_ifindex ? requested.ingress_ifindex : loopbackIfindex;
    md.rx_queue_index = requested.rx_queue_index;
    context.refreshPacketFields();
    return context;
  }

  // Socket buffers.
  context.structure.assign(sizeof(__sk_buff), std::byte{0});
  if (!input.context.empty()) {
    if (input.context.size() > sizeof(__sk_buff))
      return Error("ctx of " + std::to_string(input.context.size()) +
                   " bytes is larger than __sk_buff (" + std::to_string(sizeof(__sk_buff)) + ")");
    for (std::size_t offset = 0; offset < input.context.size(); ++offset)
      if (input.context[offset] != std::byte{0} && !settable(offset))
        return Error("ctx_in sets byte " + std::to_string(offset) +
                     " of __sk_buff, which BPF_PROG_TEST_RUN does not let the caller set "
                     "(only mark, priority, ifindex, cb, tstamp, wire_len, gso_segs, gso_size "
                     "and hwtstamp)");
    std::memcpy(context.structure.data(), input.context.data(), input.context.size());
  }
  context.linkHeaderHidden = contextRowOf(type)->seesLinkHeader ? 0 : ETH_HLEN;
  auto buffer = PacketBuffer::create(
      std::span(input.packet).subspan(context.linkHeaderHidden),
      socketBufferHeadroom + context.linkHeaderHidden,
      std::max<std::uint32_t>(socketBufferCapacity,
                              static_cast<std::uint32_t>(input.packet.size())));
  if (!buffer)
    return buffer.takeError();
  context.frame.emplace(std::move(*buffer));
  // The Ethernet header stays in the buffer in front of data, as after the kernel's pull.
  std::memcpy(context.frame->data() - context.linkHeaderHidden, input.packet.data(),
              context.linkHeaderHidden);

  __sk_buff &skb = viewAs<__sk_buff>(context.structure);
  std::uint16_t protocol = 0;
  std::memcpy(&protocol, input.packet.data() + 2 * ETH_ALEN, sizeof protocol);
  skb.protocol = protocol; // network byte order, as skb->protocol
  skb.pkt_type = packetTypeOf(input.packet);
  if (!skb.ifindex)
    skb.ifindex = loopbackIfindex;
  skb.ingress_ifindex = skb.ifindex;
  context.refreshPacketFields();
  return context;
}

void ProgramContext::refreshPacketFields() {
  if (!frame)
    return;
  if (kind == ContextShape::Xdp) {
    xdp_md &md = viewAs<xdp_md>(structure);
    md.data = PacketBuffer::address32(frame->data());
    md.data_end = PacketBuffer::address32(frame->dataEnd());
    md.data_meta = PacketBuffer::address32(frame->dataMeta());
    return;
  }
  __sk_buff &skb = viewAs<__sk_buff>(structure);
  skb.len = frame->size();
  skb.data = PacketBuffer::address32(frame->data());
  skb.data_end = PacketBuffer::address32(frame->dataEnd());
  skb.data_meta = PacketBuffer::address32(frame->dataMeta());
}

std::vector<std::byte> ProgramContext::packetOut() const {
  if (!frame)
    return {};
  if (kind == ContextShape::Xdp)
    return {frame->dataMeta(), frame->dataEnd()};
  // Programs that start at the network header get the Ethernet header's room back, zeroed
  // (bpf_prog_test_run_skb pushes hh_len bytes and clears them before copying data_out).
  std::vector<std::byte> out(linkHeaderHidden, std::byte{0});
  out.insert(out.end(), frame->data(), frame->dataEnd());
  return out;
}

std::vector<std::byte> ProgramContext::contextOut() const {
  if (kind != ContextShape::SocketBuffer)
    return structure;
  std::vector<std::byte> out(structure.size(), std::byte{0});
  for (const FieldRange &range : settableSocketBufferFields)
    std::memcpy(out.data() + range.begin, structure.data() + range.begin, range.end - range.begin);
  return out;
}

} // namespace bpfcheck::runtime
