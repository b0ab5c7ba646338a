// A packet as a program sees it: its bytes between data and data_end, with head room before
// (where data_meta lives and bpf_xdp_adjust_head / bpf_skb_change_head grow into) and tail
// room after. The buffer lives below 4 GiB, so the 32-bit data, data_end and data_meta
// fields of __sk_buff and xdp_md hold the real addresses, which is what the kernel's rewrite
// of those context loads gives the program.
#pragma once

#include "bpfcheck/ir/Expected.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace bpfcheck::runtime {

class PacketBuffer {
public:
  /// Room the kernel's BPF_PROG_TEST_RUN leaves: XDP_PACKET_HEADROOM before an XDP frame,
  /// and the tail room of a page after it.
  static constexpr std::uint32_t XdpHeadroom = 256;
  /// The largest frame BPF_PROG_TEST_RUN accepts for XDP on 4 KiB pages (a page less the
  /// head room and the skb_shared_info the kernel keeps after the frame).
  static constexpr std::uint32_t XdpMaximumFrame = 4096 - XdpHeadroom - 320;

  /// A buffer holding `bytes`, with `headroom` bytes before them and room to grow to
  /// `capacity` bytes of packet (at least bytes.size()). Fails only when memory below
  /// 4 GiB cannot be had.
  static Expected<PacketBuffer> create(std::span<const std::byte> bytes, std::uint32_t headroom,
                                       std::uint32_t capacity);

  PacketBuffer(PacketBuffer &&other) noexcept;
  PacketBuffer &operator=(PacketBuffer &&other) noexcept;
  PacketBuffer(const PacketBuffer &) = delete;
  PacketBuffer &operator=(const PacketBuffer &) = delete;
  ~PacketBuffer();

  std::byte *data() const { return base + dataOffset; }
  std::byte *dataEnd() const { return base + dataOffset + length; }
  /// Metadata sits right before data (bpf_xdp_adjust_meta); empty unless grown.
  std::byte *dataMeta() const { return base + dataOffset - metaLength; }
  std::uint32_t size() const { return length; }
  std::uint32_t metadataSize() const { return metaLength; }
  /// Bytes between the start of the buffer and data_meta.
  std::uint32_t headroomLeft() const { return dataOffset - metaLength; }
  /// Bytes between data_end and the end of the buffer.
  std::uint32_t tailroomLeft() const { return headroom + capacity - dataOffset - length; }
  std::span<std::byte> bytes() const { return {data(), length}; }
  std::span<std::byte> metadata() const { return {dataMeta(), metaLength}; }
  /// The address as the 32-bit context fields carry it.
  static std::uint32_t address32(const std::byte *pointer);

  /// Moves data by `delta` bytes (negative: prepends room, positive: drops bytes), keeping
  /// data_end; false when that leaves the buffer, drops below `minimumLength` bytes of
  /// packet, or would overlap the metadata (bpf_xdp_adjust_head's rules).
  bool adjustHead(std::int32_t delta, std::uint32_t minimumLength);
  /// Grows (delta > 0, zero-filled) or shrinks the packet at its end; false when the result
  /// is shorter than `minimumLength` or past the buffer's capacity.
  bool adjustTail(std::int32_t delta, std::uint32_t minimumLength);
  /// Grows (negative delta) or shrinks the metadata before data; false when it would exceed
  /// `maximumMetadata` bytes, not be a multiple of 4, or leave the head room.
  bool adjustMeta(std::int32_t delta, std::uint32_t maximumMetadata);
  /// Inserts `count` zero bytes at `offset` of the packet (shifting what follows), or
  /// removes them when `count` is negative; false when out of room or range.
  bool resizeAt(std::uint32_t offset, std::int32_t count);

private:
  PacketBuffer(std::byte *base, std::size_t mapped, std::uint32_t headroom, std::uint32_t capacity,
               std::uint32_t length);
  void release();

  std::byte *base = nullptr;
  std::size_t mapped = 0;
  std::uint32_t dataOffset = 0;
  std::uint32_t headroom = 0; ///< the initial head room: data_meta may not go below base
  std::uint32_t capacity = 0; ///< bytes the packet may reach from base + headroom
  std::uint32_t length = 0;
  std::uint32_t metaLength = 0;
};

} // namespace bpfcheck::runtime
