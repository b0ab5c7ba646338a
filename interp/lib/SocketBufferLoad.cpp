// LD_ABS / LD_IND's memory semantics, from the kernel's bpf_skb_load_helper_{8,16,32}
// (net/core/filter.c) and bpf_internal_load_pointer_neg_helper: big-endian loads from the
// linear data, with negative offsets relative to the network or MAC header.
#include "ExecutionState.h"

namespace bpfcheck::interp {
namespace {

// SKF_NET_OFF and SKF_LL_OFF (include/uapi/linux/filter.h).
constexpr std::int32_t NetworkHeaderOffset = -0x100000;
constexpr std::int32_t LinkLayerOffset = -0x200000;

} // namespace

std::optional<std::uint32_t> loadFromSocketBuffer(const std::optional<PacketView> &packet,
                                                  std::int32_t offset, unsigned size) {
  if (!packet)
    return std::nullopt;
  const auto length = std::int64_t(packet->length);
  std::int64_t position;
  if (offset >= 0) {
    // `if (headlen - offset >= len)`; the nonlinear part (skb_copy_bits) is empty here.
    position = offset;
  } else if (offset >= NetworkHeaderOffset) {
    position = packet->networkHeader + (std::int64_t(offset) - NetworkHeaderOffset);
  } else if (offset >= LinkLayerOffset && packet->macHeader) {
    position = *packet->macHeader + (std::int64_t(offset) - LinkLayerOffset);
  } else {
    return std::nullopt;
  }
  if (position < 0 || length - position < std::int64_t(size))
    return std::nullopt;
  std::uint32_t value = 0;
  for (unsigned i = 0; i < size; ++i)
    value = value << 8 | std::uint32_t(packet->data[position + i]);
  return value;
}

} // namespace bpfcheck::interp
