// Helpers on the packet of socket-buffer and XDP programs: reading and writing bytes,
// moving data, data_end and data_meta, checksum arithmetic (as x86-64 computes it: the
// 32-bit partial sums are architecture-specific) and redirect decisions, which are recorded.
#include "HelperCall.h"

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace bpfcheck::runtime {

namespace {

constexpr std::uint32_t xdpFrameReserve = 40; // sizeof(struct xdp_frame) at data_hard_start
constexpr std::uint32_t maximumXdpMetadata = 32;
constexpr std::uint16_t checksumMangledZero = 0xffff; // CSUM_MANGLED_0

// ---- one's-complement arithmetic (include/net/checksum.h, arch/x86/include/asm/checksum_64.h)

std::uint32_t checksumAdd(std::uint32_t sum, std::uint32_t addend) {
  const std::uint32_t result = sum + addend;
  return result + (result < addend);
}
std::uint32_t checksumSubtract(std::uint32_t sum, std::uint32_t subtrahend) {
  return checksumAdd(sum, ~subtrahend);
}
std::uint16_t checksumFold(std::uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}
/// csum_partial over whole 32-bit words: a 64-bit end-around-carry sum folded to 32 bits.
std::uint32_t checksumPartial(const std::uint32_t *words, std::size_t count, std::uint32_t seed) {
  std::uint64_t sum = seed;
  for (std::size_t i = 0; i < count; ++i) {
    sum += words[i];
    sum = (sum & 0xffffffff) + (sum >> 32);
  }
  return checksumAdd(static_cast<std::uint32_t>(sum >> 32), static_cast<std::uint32_t>(sum));
}
std::uint16_t checksum16Add(std::uint16_t sum, std::uint16_t addend) {
  const std::uint16_t result = static_cast<std::uint16_t>(sum + addend);
  return static_cast<std::uint16_t>(result + (result < addend));
}

ProgramContext *socketBufferOf(const HelperCall &call) {
  ProgramContext *context = call.invocation.context;
  return context && context->shape() == ContextShape::SocketBuffer ? context : nullptr;
}
ProgramContext *xdpOf(const HelperCall &call) {
  ProgramContext *context = call.invocation.context;
  return context && context->shape() == ContextShape::Xdp ? context : nullptr;
}
/// After data, data_end or data_meta moved: the packet's new extent is memory the program may
/// reach (once it reloads the pointers, as the verifier makes it).
HelperResult packetMoved(const HelperCall &call, ProgramContext &context) {
  context.refreshPacketFields();
  const PacketBuffer &packet = *context.packet();
  call.host.exposeMemory(packet.dataMeta(), packet.metadataSize() + packet.size(), true);
  return HelperResult::returned(0);
}

HelperResult noPacket(const HelperCall &call, const char *kind) {
  return HelperResult::failed(std::string(helperName(static_cast<std::uint32_t>(call.id))) +
                              " needs the " + kind +
                              " context of the run, which this run does not have");
}

/// The 16-bit checksum at `offset` of the packet, after the checks both csum_replace
/// helpers make (offset even and at most 0xffff, the field inside the packet).
std::uint16_t *checksumField(PacketBuffer &packet, std::uint64_t offset, long &error) {
  if (offset > 0xffff || (offset & 1)) {
    error = EFAULT;
    return nullptr;
  }
  if (offset + sizeof(std::uint16_t) > packet.size()) {
    error = EFAULT;
    return nullptr;
  }
  return reinterpret_cast<std::uint16_t *>(packet.data() + offset);
}

} // namespace

PacketBuffer *packetOf(const HelperCall &call) {
  return call.invocation.context ? call.invocation.context->packet() : nullptr;
}

HelperResult socketBufferLoadBytes(const HelperCall &call) {
  ProgramContext *context = socketBufferOf(call);
  if (!context)
    return noPacket(call, "socket-buffer");
  const std::uint64_t offset = static_cast<std::uint32_t>(call.argument(1));
  auto *destination = call.pointer<std::byte>(2);
  const auto length = static_cast<std::uint32_t>(call.argument(3));
  const PacketBuffer &packet = *context->packet();
  if (offset > INT_MAX || offset + length > packet.size()) {
    std::memset(destination, 0, length);
    return errnoResult(EFAULT);
  }
  std::memcpy(destination, packet.data() + offset, length);
  return HelperResult::returned(0);
}

HelperResult socketBufferStoreBytes(const HelperCall &call) {
  ProgramContext *context = socketBufferOf(call);
  if (!context)
    return noPacket(call, "socket-buffer");
  const std::uint64_t offset = static_cast<std::uint32_t>(call.argument(1));
  const auto *source = call.pointer<const std::byte>(2);
  const auto length = static_cast<std::uint32_t>(call.argument(3));
  const std::uint64_t flags = call.argument(4);
  if (flags & ~std::uint64_t(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH))
    return errnoResult(EINVAL);
  PacketBuffer &packet = *context->packet();
  if (offset > INT_MAX || offset + length > packet.size())
    return errnoResult(EFAULT);
  std::memmove(packet.data() + offset, source, length);
  if (flags & BPF_F_INVALIDATE_HASH)
    reinterpret_cast<__sk_buff *>(context->pointer())->hash = 0;
  return HelperResult::returned(0);
}

HelperResult xdpAdjustHead(const HelperCall &call) {
  ProgramContext *context = xdpOf(call);
  if (!context)
    return noPacket(call, "XDP");
  PacketBuffer &packet = *context->packet();
  const auto delta = static_cast<std::int32_t>(call.argument(1));
  // data may not go below data_hard_start + sizeof(struct xdp_frame) + the metadata, nor
  // leave less than an Ethernet header before data_end.
  const std::int64_t roomBefore = std::int64_t(packet.headroomLeft()) - xdpFrameReserve;
  if (delta < 0 && -std::int64_t(delta) > roomBefore)
    return errnoResult(EINVAL);
  if (!packet.adjustHead(delta, ETH_HLEN))
    return errnoResult(EINVAL);
  return packetMoved(call, *context);
}

HelperResult xdpAdjustTail(const HelperCall &call) {
  ProgramContext *context = xdpOf(call);
  if (!context)
    return noPacket(call, "XDP");
  PacketBuffer &packet = *context->packet();
  if (!packet.adjustTail(static_cast<std::int32_t>(call.argument(1)), ETH_HLEN))
    return errnoResult(EINVAL);
  return packetMoved(call, *context);
}

HelperResult xdpAdjustMeta(const HelperCall &call) {
  ProgramContext *context = xdpOf(call);
  if (!context)
    return noPacket(call, "XDP");
  PacketBuffer &packet = *context->packet();
  const auto delta = static_cast<std::int32_t>(call.argument(1));
  const std::int64_t metadata = std::int64_t(packet.metadataSize()) - delta;
  if (metadata < 0) // meta > data
    return errnoResult(EINVAL);
  if (delta < 0 && -std::int64_t(delta) > std::int64_t(packet.headroomLeft()) - xdpFrameReserve)
    return errnoResult(EINVAL);
  if ((metadata & 3) || metadata > maximumXdpMetadata) // xdp_metalen_invalid
    return errnoResult(EACCES);
  (void)packet.adjustMeta(delta, maximumXdpMetadata);
  return packetMoved(call, *context);
}

HelperResult redirect(const HelperCall &call) {
  const auto ifindex = static_cast<std::uint32_t>(call.argument(0));
  const std::uint64_t flags = call.argument(1);
  if (xdpOf(call)) {
    if (flags)
      return HelperResult::returned(XDP_ABORTED);
    call.invocation.effects.redirects.push_back({call.id, ifindex, flags});
    return HelperResult::returned(XDP_REDIRECT);
  }
  if (flags & ~std::uint64_t(BPF_F_INGRESS))
    return HelperResult::returned(TC_ACT_SHOT);
  call.invocation.effects.redirects.push_back({call.id, ifindex, flags});
  return HelperResult::returned(TC_ACT_REDIRECT);
}

HelperResult checksumDifference(const HelperCall &call) {
  constexpr std::uint64_t maximumDifference = 512; // the per-CPU scratch buffer's size
  const std::uint64_t fromSize = static_cast<std::uint32_t>(call.argument(1));
  const std::uint64_t toSize = static_cast<std::uint32_t>(call.argument(3));
  if (((fromSize | toSize) & 3) || fromSize + toSize > maximumDifference)
    return errnoResult(EINVAL);
  std::uint32_t difference[maximumDifference / 4];
  std::size_t words = 0;
  const auto *from = call.pointer<const std::byte>(0);
  const auto *to = call.pointer<const std::byte>(2);
  for (std::uint64_t i = 0; i < fromSize; i += 4, ++words) {
    std::memcpy(&difference[words], from + i, 4);
    difference[words] = ~difference[words];
  }
  for (std::uint64_t i = 0; i < toSize; i += 4, ++words)
    std::memcpy(&difference[words], to + i, 4);
  return HelperResult::returned(
      checksumPartial(difference, words, static_cast<std::uint32_t>(call.argument(4))));
}

HelperResult layer3ChecksumReplace(const HelperCall &call) {
  ProgramContext *context = socketBufferOf(call);
  if (!context)
    return noPacket(call, "socket-buffer");
  const std::uint64_t flags = call.argument(4);
  if (flags & ~std::uint64_t(BPF_F_HDR_FIELD_MASK))
    return errnoResult(EINVAL);
  long error = 0;
  std::uint16_t *field = checksumField(*context->packet(), call.argument(1), error);
  if (!field)
    return errnoResult(error);
  const auto from = static_cast<std::uint32_t>(call.argument(2));
  const auto to = static_cast<std::uint32_t>(call.argument(3));
  std::uint16_t sum;
  std::memcpy(&sum, field, sizeof sum);
  switch (flags & BPF_F_HDR_FIELD_MASK) {
  case 0: // csum_replace_by_diff
    if (from != 0)
      return errnoResult(EINVAL);
    sum = checksumFold(checksumAdd(to, ~std::uint32_t(sum)));
    break;
  case 2: // csum_replace2
    sum = static_cast<std::uint16_t>(~checksum16Add(
        checksum16Add(static_cast<std::uint16_t>(~sum), static_cast<std::uint16_t>(~from)),
        static_cast<std::uint16_t>(to)));
    break;
  case 4: // csum_replace4
    sum = checksumFold(checksumAdd(checksumSubtract(~std::uint32_t(sum), from), to));
    break;
  default:
    return errnoResult(EINVAL);
  }
  std::memcpy(field, &sum, sizeof sum);
  return HelperResult::returned(0);
}

HelperResult layer4ChecksumReplace(const HelperCall &call) {
  ProgramContext *context = socketBufferOf(call);
  if (!context)
    return noPacket(call, "socket-buffer");
  const std::uint64_t flags = call.argument(4);
  const std::uint64_t known = BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR |
                              BPF_F_HDR_FIELD_MASK | (1ull << 7) /* BPF_F_IPV6 */;
  if (flags & ~known)
    return errnoResult(EINVAL);
  long error = 0;
  std::uint16_t *field = checksumField(*context->packet(), call.argument(1), error);
  if (!field)
    return errnoResult(error);
  const bool markMangledZero = flags & BPF_F_MARK_MANGLED_0;
  std::uint16_t sum;
  std::memcpy(&sum, field, sizeof sum);
  if (markMangledZero && !(flags & BPF_F_MARK_ENFORCE) && sum == 0)
    return HelperResult::returned(0);
  const auto from = static_cast<std::uint32_t>(call.argument(2));
  const auto to = static_cast<std::uint32_t>(call.argument(3));
  // BPF_PROG_TEST_RUN's skb has no partial checksum (CHECKSUM_NONE): the inet_proto_csum
  // functions then update the field itself, pseudo-header or not.
  switch (flags & BPF_F_HDR_FIELD_MASK) {
  case 0:
    if (from != 0)
      return errnoResult(EINVAL);
    sum = checksumFold(checksumAdd(to, ~std::uint32_t(sum)));
    break;
  case 2:
  case 4: {
    const std::uint32_t fromWord = (flags & BPF_F_HDR_FIELD_MASK) == 2 ? (from & 0xffff) : from;
    const std::uint32_t toWord = (flags & BPF_F_HDR_FIELD_MASK) == 2 ? (to & 0xffff) : to;
    const std::uint32_t difference[] = {~fromWord, toWord};
    sum = checksumFold(checksumPartial(difference, 2, ~std::uint32_t(sum)));
    break;
  }
  default:
    return errnoResult(EINVAL);
  }
  if (markMangledZero && sum == 0)
    sum = checksumMangledZero;
  std::memcpy(field, &sum, sizeof sum);
  return HelperResult::returned(0);
}

} // namespace bpfcheck::runtime
