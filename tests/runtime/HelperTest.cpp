// The runtime's helpers and contexts without an interpreter: contexts built as
// BPF_PROG_TEST_RUN builds them, the XDP resizing rules, checksum helpers checked against a
// full RFC 1071 recomputation, bpf_loop and the map helpers' argument checks.
#include "bpfcheck/runtime/HelperRuntime.h"
#include "bpfcheck/runtime/MapFactory.h"

#include <doctest/doctest.h>

#include <linux/bpf.h>

#include <cerrno>
#include <cstring>
#include <vector>

using namespace bpfcheck;
using namespace bpfcheck::runtime;

namespace {

/// A host that runs callbacks as a fixed function and records exposed memory.
class FakeHost final : public ProgramHost {
public:
  std::function<std::uint64_t(std::span<const std::uint64_t>)> callback;
  std::vector<std::pair<const void *, std::size_t>> exposed;
  unsigned calls = 0;

  std::optional<std::uint64_t> invokeCallback(std::uint64_t,
                                              std::span<const std::uint64_t> arguments) override {
    ++calls;
    return callback ? callback(arguments) : 0;
  }
  void exposeMemory(const void *address, std::size_t size, bool) override {
    exposed.emplace_back(address, size);
  }
};

std::vector<std::byte> bytesOf(std::initializer_list<unsigned> values) {
  std::vector<std::byte> out;
  for (unsigned value : values)
    out.push_back(std::byte(value));
  return out;
}

/// An Ethernet + IPv4 (20 bytes, checksum filled in) frame.
std::vector<std::byte> ipv4Frame() {
  auto frame = bytesOf({0,  0, 0, 0, 0, 0,  2,  0, 0, 0,  0, 1, 0x08, 0x00, 0x45, 0, 0,
                        20, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1,    10,   0,    0, 2});
  return frame;
}

/// RFC 1071: the one's complement of the one's-complement sum of the 16-bit words.
std::uint16_t internetChecksum(const std::byte *data, std::size_t length) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < length; i += 2)
    sum += std::to_integer<unsigned>(data[i]) << 8 | std::to_integer<unsigned>(data[i + 1]);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

void writeChecksum(std::byte *header) {
  header[10] = header[11] = std::byte{0};
  const std::uint16_t sum = internetChecksum(header, 20);
  header[10] = std::byte(sum >> 8);
  header[11] = std::byte(sum & 0xff);
}

struct Fixture {
  Runtime runtime{std::make_shared<MapEnvironment>()};
  FakeHost host;

  HelperResult call(HelperId id, std::array<std::uint64_t, 5> arguments, Invocation &invocation) {
    return runtime.callHelper(id, arguments, invocation, host);
  }
};

std::uint64_t address(const void *pointer) {
  return reinterpret_cast<std::uintptr_t>(pointer);
}

} // namespace

TEST_CASE("runtime/context: a tc skb sees the Ethernet header, a socket filter starts after it") {
  auto frame = ipv4Frame();
  writeChecksum(frame.data() + 14);
  auto tc = ProgramContext::create(ProgramType::SchedCls, {frame, {}});
  REQUIRE(tc);
  auto *skb = reinterpret_cast<__sk_buff *>(tc->pointer());
  CHECK(skb->len == frame.size());
  CHECK(skb->protocol == 0x0008); // ETH_P_IP in network order, read little-endian
  CHECK(skb->pkt_type == 0);      // to the loopback's all-zero address: PACKET_HOST
  CHECK(skb->ifindex == 1);
  CHECK(skb->data_end - skb->data == skb->len);
  CHECK(reinterpret_cast<std::byte *>(std::uintptr_t(skb->data))[0] == std::byte{0});
  CHECK(tc->packetOut() == frame);

  auto filter = ProgramContext::create(ProgramType::SocketFilter, {frame, {}});
  REQUIRE(filter);
  auto *filterSkb = reinterpret_cast<__sk_buff *>(filter->pointer());
  CHECK(filterSkb->len == frame.size() - 14);
  CHECK(reinterpret_cast<std::byte *>(std::uintptr_t(filterSkb->data))[0] == std::byte{0x45});
  // data_out: the header's room comes back zeroed, then the packet.
  const auto out = filter->packetOut();
  REQUIRE(out.size() == frame.size());
  CHECK(std::all_of(out.begin(), out.begin() + 14, [](std::byte b) { return b == std::byte{0}; }));
  CHECK(std::equal(out.begin() + 14, out.end(), frame.begin() + 14));
}

TEST_CASE("runtime/context: the kernel's refusals of frames and ctx_in fields") {
  CHECK(!ProgramContext::create(ProgramType::Xdp, {bytesOf({1, 2, 3}), {}}));
  std::vector<std::byte> context(sizeof(__sk_buff), std::byte{0});
  context[offsetof(__sk_buff, len)] = std::byte{5}; // len is the kernel's to set
  auto refused = ProgramContext::create(ProgramType::SchedCls, {ipv4Frame(), context});
  REQUIRE(!refused);
  CHECK(refused.error().message.find("byte 0 of __sk_buff") != std::string::npos);
  std::memset(context.data(), 0, context.size());
  context[offsetof(__sk_buff, mark)] = std::byte{7};
  auto accepted = ProgramContext::create(ProgramType::SchedCls, {ipv4Frame(), context});
  REQUIRE(accepted);
  CHECK(reinterpret_cast<__sk_buff *>(accepted->pointer())->mark == 7);
  CHECK(!ProgramContext::create(ProgramType::SkMsg, {{}, {}})); // no context built for it yet
  // A kprobe without ctx bytes gets a struct pt_regs of zeros (21 registers of 8 bytes).
  auto kprobe = ProgramContext::create(ProgramType::Kprobe, {{}, {}});
  REQUIRE(kprobe);
  CHECK(kprobe->size() == 21 * 8);
  CHECK(!ProgramContext::create(ProgramType::RawTracepoint, {{}, bytesOf({1, 2, 3})}));
}

TEST_CASE("runtime/helpers: bpf_xdp_adjust_head and adjust_meta keep the kernel's bounds") {
  Fixture fixture;
  auto context = ProgramContext::create(ProgramType::Xdp, {ipv4Frame(), {}});
  REQUIRE(context);
  Invocation invocation{&*context, {}, {}};
  const std::uint64_t ctx = address(context->pointer());
  auto *md = reinterpret_cast<xdp_md *>(context->pointer());
  const std::uint32_t dataBefore = md->data;
  CHECK(fixture.call(HelperId::XdpAdjustHead, {ctx, std::uint64_t(-16)}, invocation).value == 0);
  CHECK(md->data == dataBefore - 16);
  CHECK(md->data_end - md->data == 34 + 16);
  // 256 bytes of head room less the 40 of struct xdp_frame: 216 in all, 16 used.
  CHECK(std::int64_t(
            fixture.call(HelperId::XdpAdjustHead, {ctx, std::uint64_t(-201)}, invocation).value) ==
        -EINVAL);
  // Not less than an Ethernet header may remain.
  CHECK(std::int64_t(fixture.call(HelperId::XdpAdjustHead, {ctx, 37}, invocation).value) ==
        -EINVAL);
  CHECK(fixture.call(HelperId::XdpAdjustMeta, {ctx, std::uint64_t(-8)}, invocation).value == 0);
  CHECK(md->data - md->data_meta == 8);
  CHECK(std::int64_t(
            fixture.call(HelperId::XdpAdjustMeta, {ctx, std::uint64_t(-2)}, invocation).value) ==
        -EACCES);
  CHECK(std::int64_t(fixture.call(HelperId::XdpAdjustMeta, {ctx, 12}, invocation).value) ==
        -EINVAL);
  CHECK(!fixture.host.exposed.empty()); // the moved packet is memory the program may reach
}

TEST_CASE("runtime/helpers: l3_csum_replace matches a full RFC 1071 recomputation") {
  Fixture fixture;
  auto frame = ipv4Frame();
  writeChecksum(frame.data() + 14);
  auto context = ProgramContext::create(ProgramType::SchedCls, {frame, {}});
  REQUIRE(context);
  Invocation invocation{&*context, {}, {}};
  std::byte *header = context->packet()->data() + 14;
  const std::uint64_t ctx = address(context->pointer());

  // TTL 64 -> 63 in the 16-bit word TTL|protocol, as a program would: replace2 of the word.
  std::uint16_t oldWord, newWord;
  std::memcpy(&oldWord, header + 8, 2);
  header[8] = std::byte{63};
  std::memcpy(&newWord, header + 8, 2);
  CHECK(fixture.call(HelperId::L3CsumReplace, {ctx, 14 + 10, oldWord, newWord, 2}, invocation)
            .value == 0);
  std::vector<std::byte> expected(header, header + 20);
  writeChecksum(expected.data());
  CHECK(std::memcmp(header + 10, expected.data() + 10, 2) == 0);

  // The source address, 4 bytes at once.
  std::uint32_t oldAddress, newAddress;
  std::memcpy(&oldAddress, header + 12, 4);
  header[15] = std::byte{99};
  std::memcpy(&newAddress, header + 12, 4);
  CHECK(fixture.call(HelperId::L3CsumReplace, {ctx, 14 + 10, oldAddress, newAddress, 4}, invocation)
            .value == 0);
  expected.assign(header, header + 20);
  writeChecksum(expected.data());
  CHECK(std::memcmp(header + 10, expected.data() + 10, 2) == 0);

  // Odd offsets, offsets past the packet and unknown flags are refused.
  CHECK(std::int64_t(fixture.call(HelperId::L3CsumReplace, {ctx, 11, 0, 0, 2}, invocation).value) ==
        -EFAULT);
  CHECK(std::int64_t(fixture.call(HelperId::L3CsumReplace, {ctx, 34, 0, 0, 2}, invocation).value) ==
        -EFAULT);
  CHECK(std::int64_t(
            fixture.call(HelperId::L3CsumReplace, {ctx, 24, 0, 0, 1u << 8}, invocation).value) ==
        -EINVAL);
}

TEST_CASE("runtime/helpers: csum_diff of new data folds to its RFC 1071 checksum") {
  Fixture fixture;
  Invocation invocation;
  auto frame = ipv4Frame();
  std::byte *header = frame.data() + 14;
  const auto partial = static_cast<std::uint32_t>(
      fixture.call(HelperId::CsumDiff, {0, 0, address(header), 20, 0}, invocation).value);
  std::uint32_t folded = (partial & 0xffff) + (partial >> 16);
  folded = (folded & 0xffff) + (folded >> 16);
  const std::uint16_t checksum = static_cast<std::uint16_t>(~folded);
  const std::uint16_t reference = internetChecksum(header, 20);
  // The helper sums little-endian words; the reference big-endian ones: byte-swapped.
  CHECK(std::uint16_t(checksum >> 8 | checksum << 8) == reference);
  CHECK(std::int64_t(
            fixture.call(HelperId::CsumDiff, {0, 0, address(header), 6, 0}, invocation).value) ==
        -EINVAL);
}

TEST_CASE("runtime/helpers: bpf_loop stops when the callback returns 1 and checks its flags") {
  Fixture fixture;
  Invocation invocation;
  fixture.host.callback = [](std::span<const std::uint64_t> arguments) {
    return arguments[0] == 4 ? 1u : 0u;
  };
  CHECK(fixture.call(HelperId::Loop, {10, 0x1000, 0, 0}, invocation).value == 5);
  CHECK(fixture.host.calls == 5);
  CHECK(fixture.call(HelperId::Loop, {3, 0x1000, 0, 0}, invocation).value == 3);
  CHECK(std::int64_t(fixture.call(HelperId::Loop, {3, 0x1000, 0, 1}, invocation).value) == -EINVAL);
  CHECK(std::int64_t(
            fixture.call(HelperId::Loop, {(1u << 23) + 1, 0x1000, 0, 0}, invocation).value) ==
        -E2BIG);
}

TEST_CASE("runtime/helpers: map helpers act on the runtime's maps and refuse other pointers") {
  Fixture fixture;
  MapSpec spec{MapType::Array, 4, 8, 2, 0, 0, "values", nullptr};
  auto map = createMap(spec, fixture.runtime.sharedEnvironment());
  REQUIRE(map);
  fixture.runtime.addMap(*map);
  Invocation invocation;
  const std::uint32_t key = 1, missing = 2;
  const std::uint64_t value = 77;
  const std::uint64_t mapAddress = address(map->get());
  CHECK(fixture
            .call(HelperId::MapUpdateElem, {mapAddress, address(&key), address(&value), BPF_ANY},
                  invocation)
            .value == 0);
  const HelperResult found =
      fixture.call(HelperId::MapLookupElem, {mapAddress, address(&key)}, invocation);
  REQUIRE(found.value != 0);
  CHECK(*reinterpret_cast<const std::uint64_t *>(found.value) == 77);
  REQUIRE(fixture.host.exposed.size() == 1);
  CHECK(fixture.host.exposed[0].second == 8);
  CHECK(fixture.call(HelperId::MapLookupElem, {mapAddress, address(&missing)}, invocation).value ==
        0);
  CHECK(
      std::int64_t(fixture
                       .call(HelperId::MapUpdateElem,
                             {mapAddress, address(&key), address(&value), BPF_NOEXIST}, invocation)
                       .value) == -EEXIST);
  const HelperResult notMap =
      fixture.call(HelperId::MapLookupElem, {address(&value), address(&key)}, invocation);
  CHECK(notMap.status == HelperResult::Status::Failed);
  // A helper without an implementation stops the run; it never returns a made-up 0.
  const HelperResult unknown = fixture.call(static_cast<HelperId>(4000), {}, invocation);
  CHECK(unknown.status == HelperResult::Status::NotProvided);
  CHECK(fixture.call(HelperId::Unspec, {}, invocation).status == HelperResult::Status::NotProvided);
}
