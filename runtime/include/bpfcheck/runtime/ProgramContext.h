// The context a program receives in r1, built as the kernel's BPF_PROG_TEST_RUN builds it:
// for socket-buffer programs an skb around the packet (laid out as __sk_buff), for XDP an
// xdp_md, for syscall, raw tracepoint, tracing and kprobe programs the caller's bytes. After the
// run it gives back what BPF_PROG_TEST_RUN returns: the packet and the context.
#pragma once

#include "bpfcheck/ir/Expected.h"
#include "bpfcheck/platform/Types.h"
#include "bpfcheck/runtime/PacketBuffer.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace bpfcheck::runtime {

/// How a program type's context is made.
enum class ContextShape : std::uint8_t {
  SocketBuffer, ///< __sk_buff over a packet (socket filter, tc, cgroup skb, lwt, sk_skb)
  Xdp,          ///< xdp_md over a packet
  Bytes, ///< the caller's bytes as they are (syscall, raw tracepoint, tracing args, kprobe regs)
};

/// The shape of `type`'s context, or none when bpfcheck cannot build one.
std::optional<ContextShape> contextShapeOf(ProgramType type);

/// What a run starts from, as BPF_PROG_TEST_RUN's data_in and ctx_in.
struct ContextInput {
  std::vector<std::byte> packet;  ///< data_in: the frame, Ethernet header first
  std::vector<std::byte> context; ///< ctx_in: the uapi struct's bytes (empty: defaults)
};

/// One run's context: the struct r1 points to and, for packet programs, the packet.
class ProgramContext {
public:
  /// Builds the context of a `type` program as the kernel's test run would, or an error
  /// naming what the kernel refuses (a frame shorter than an Ethernet header, ctx_in fields
  /// the kernel does not let the caller set, a packet program without a packet, ...).
  static Expected<ProgramContext> create(ProgramType type, const ContextInput &input);

  ContextShape shape() const { return kind; }
  /// What r1 holds on entry.
  void *pointer() { return structure.data(); }
  std::span<std::byte> bytes() { return structure; }
  /// The uapi struct's size: the memory the program may touch through r1.
  std::size_t size() const { return structure.size(); }
  PacketBuffer *packet() { return frame ? &*frame : nullptr; }
  const PacketBuffer *packet() const { return frame ? &*frame : nullptr; }
  /// Whether LD_ABS / LD_IND read this packet (socket-buffer contexts).
  bool hasSocketBufferPacket() const { return kind == ContextShape::SocketBuffer; }
  /// Bytes before skb->data that belong to the frame (the Ethernet header of programs that
  /// start at the network header); LD_ABS offsets and data_out count from the frame start
  /// minus these.
  std::uint32_t hiddenLinkHeader() const { return linkHeaderHidden; }

  /// Writes data, data_end, data_meta and len back into the struct after a helper moved the
  /// packet (the kernel computes them on every access).
  void refreshPacketFields();
  /// BPF_PROG_TEST_RUN's data_out: the frame after the run (for programs that start at the
  /// network header, behind the 14 zero bytes the kernel pushes back; XDP: metadata included
  /// when there is some).
  std::vector<std::byte> packetOut() const;
  /// BPF_PROG_TEST_RUN's ctx_out: for __sk_buff the fields the kernel copies back (mark,
  /// priority, ifindex, cb, tstamp, wire_len, gso_segs, gso_size, hwtstamp), the rest zero;
  /// for other shapes the struct as the program left it.
  std::vector<std::byte> contextOut() const;

private:
  ProgramContext() = default;

  ContextShape kind = ContextShape::Bytes;
  ProgramType programType = ProgramType::Unspec;
  std::vector<std::byte> structure;
  std::optional<PacketBuffer> frame;
  std::uint32_t linkHeaderHidden = 0;
};

} // namespace bpfcheck::runtime
