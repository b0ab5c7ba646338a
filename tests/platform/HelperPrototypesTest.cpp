// The helper prototype table: its shape (one row per Linux 6.18 helper id, in order, with
// the kernel's names), the kernel's own consistency rules for prototypes
// (check_func_proto: sizes follow memory, one release argument), and spot checks of
// well-known prototypes against the kernel sources they were written from.
#include "bpfcheck/platform/Helpers.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using namespace bpfcheck;

namespace {

struct IdRow {
  HelperId id;
  std::uint32_t value;
  std::string_view name;
};

constexpr IdRow helperIds[] = {
#define HELPER_ID(Name, id, text) {HelperId::Name, id, text},
#include "bpfcheck/platform/HelperIds.def"
};

const HelperPrototype &row(HelperId id) {
  const HelperPrototype *prototype = findHelper(id);
  REQUIRE(prototype != nullptr);
  return *prototype;
}

bool isSize(ArgKind kind) {
  return kind == ArgKind::ConstSize || kind == ArgKind::ConstSizeOrZero;
}

bool has(std::uint32_t flags, std::uint32_t flag) {
  return (flags & flag) == flag;
}

/// The helpers whose prototype has an OBJ_RELEASE argument in Linux 6.18.
const std::set<HelperId> releasingHelpers = {
    HelperId::SkRelease,           HelperId::RingbufSubmit,        HelperId::RingbufDiscard,
    HelperId::RingbufSubmitDynptr, HelperId::RingbufDiscardDynptr, HelperId::KptrXchg,
};

std::vector<HelperId> idsWhere(bool (*predicate)(const HelperPrototype &)) {
  std::vector<HelperId> ids;
  for (const HelperPrototype &prototype : allHelpers())
    if (predicate(prototype))
      ids.push_back(prototype.id);
  return ids;
}

/// The argument checks of check_func_proto and its helpers (kernel/bpf/verifier.c), plus
/// our own: a Memory argument's size comes next unless fixed.
void checkArguments(const HelperPrototype &prototype, std::string_view what) {
  INFO(what << " " << prototype.name);
  const auto &args = prototype.args;
  int releases = 0;
  bool seenNone = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const HelperArg &argument = args[i];
    if (argument.kind == ArgKind::None)
      seenNone = true;
    else
      CHECK_MESSAGE(!seenNone, "argument ", i + 1, " follows an unused one");
    if (argument.kind == ArgKind::Memory && !has(argument.flags, FixedSize)) {
      REQUIRE(i + 1 < args.size());
      CHECK_MESSAGE(isSize(args[i + 1].kind), "memory argument ", i + 1, " has no size after it");
    }
    if (has(argument.flags, FixedSize)) {
      CHECK(argument.kind == ArgKind::Memory);
      CHECK(argument.size > 0);
      if (i + 1 < args.size())
        CHECK_FALSE(isSize(args[i + 1].kind));
    }
    if (isSize(argument.kind)) {
      REQUIRE(i > 0);
      CHECK_MESSAGE(args[i - 1].kind == ArgKind::Memory, "size argument ", i + 1,
                    " does not follow a memory argument");
      CHECK_FALSE(has(args[i - 1].flags, FixedSize));
    }
    if (has(argument.flags, Release)) {
      ++releases;
      CHECK(releasingHelpers.count(prototype.id) == 1);
    }
    if (argument.kind == ArgKind::BtfId && prototype.id != HelperId::KptrXchg)
      CHECK_MESSAGE(!argument.btfType.empty(), "BTF argument ", i + 1, " names no type");
    if (argument.kind != ArgKind::BtfId)
      CHECK(argument.btfType.empty());
  }
  CHECK(releases == (releasingHelpers.count(prototype.id) ? 1 : 0));
  if (prototype.changesPacketData) // "kernel subsystem misconfigured func ...: r1 != ctx"
    CHECK(args[0].kind == ArgKind::Context);
  const HelperReturn &returns = prototype.returns;
  if (returns.kind == ReturnKind::RingbufMemory || returns.kind == ReturnKind::DynptrMemory) {
    REQUIRE(returns.sizeArgument.has_value());
    CHECK(args[*returns.sizeArgument - 1].kind == ArgKind::ConstAllocSizeOrZero);
  }
  if (returns.bound == ReturnBound::SizeArgument) {
    REQUIRE(returns.sizeArgument.has_value());
    CHECK(isSize(args[*returns.sizeArgument - 1].kind));
  }
  if (returns.kind != ReturnKind::Integer)
    CHECK((!returns.minimum && !returns.maximum && returns.bound == ReturnBound::Fixed));
  if (returns.kind == ReturnKind::BtfId && prototype.id != HelperId::KptrXchg)
    CHECK(!returns.btfType.empty());
}

} // namespace

TEST_CASE("helper prototypes: one row per Linux 6.18 helper id, in id order, kernel names") {
  const auto rows = allHelpers();
  CHECK(rows.size() == 211);
  std::size_t checked = 0;
  for (const IdRow &id : helperIds) {
    if (id.value == 0 || id.id == HelperId::MaxId) {
      CHECK(findHelper(id.value) == nullptr);
      continue;
    }
    INFO(id.name);
    const auto count = std::count_if(rows.begin(), rows.end(),
                                     [&](const HelperPrototype &p) { return p.id == id.id; });
    CHECK(count == 1);
    const HelperPrototype *prototype = findHelper(id.value);
    REQUIRE(prototype != nullptr);
    CHECK(prototype->id == id.id);
    CHECK(prototype->name == id.name);
    CHECK(helperName(id.value) == id.name);
    CHECK(findHelper(id.id) == prototype);
    ++checked;
  }
  CHECK(checked == 211);
  for (std::size_t i = 1; i < rows.size(); ++i)
    CHECK(std::uint32_t(rows[i - 1].id) + 1 == std::uint32_t(rows[i].id));
  CHECK(helperName(0).empty());
  CHECK(helperName(212).empty());
  CHECK(findHelper(std::uint32_t(1000)) == nullptr);
}

TEST_CASE("helper prototypes: arguments follow the kernel's prototype rules") {
  for (const HelperPrototype &prototype : allHelpers())
    checkArguments(prototype, "row");
  for (const HelperVariant &variant : allHelperVariants())
    checkArguments(variant.prototype, variant.kernelName);
}

TEST_CASE("helper prototypes: every memory argument says whether it is read or written") {
  // Since "bpf: Fix memory access flags in helper prototypes" (in 6.18.y) no helper has a
  // bare ARG_PTR_TO_MEM: the verifier trusts MEM_RDONLY / MEM_WRITE to know whether the
  // memory changes across the call.
  auto check = [](const HelperPrototype &prototype) {
    for (std::size_t i = 0; i < prototype.args.size(); ++i) {
      const HelperArg &argument = prototype.args[i];
      if (argument.kind != ArgKind::Memory)
        continue;
      INFO(prototype.name << " argument " << i + 1);
      const bool reads = has(argument.flags, ReadOnly);
      const bool writes = has(argument.flags, Write);
      CHECK(reads != writes);
      if (has(argument.flags, Uninit))
        CHECK(writes);
    }
  };
  for (const HelperPrototype &prototype : allHelpers())
    check(prototype);
  for (const HelperVariant &variant : allHelperVariants())
    check(variant.prototype);
  // The prototypes that fix changed (6.12 had bare ARG_PTR_TO_MEM here).
  CHECK(row(HelperId::FibLookup).args[1].flags == Write);
  CHECK(row(HelperId::SnprintfBtf).args[0].flags == Write);
  CHECK(row(HelperId::ReadBranchRecords).args[1].flags == (MaybeNull | Write));
  CHECK(row(HelperId::KallsymsLookupName).args[0].flags == ReadOnly);
  CHECK(row(HelperId::TcpRawCheckSyncookieIpv6).args[1].flags == (FixedSize | ReadOnly));
  CHECK(row(HelperId::DPath).args[1].flags == Write);
  CHECK(row(HelperId::SysctlGetName).args[1].flags == Write);
}

TEST_CASE("helper prototypes: variants belong to a helper and differ from its row") {
  const auto variants = allHelperVariants();
  CHECK(!variants.empty());
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const HelperVariant &variant = variants[i];
    INFO(variant.kernelName);
    if (i > 0)
      CHECK(std::uint32_t(variants[i - 1].prototype.id) <= std::uint32_t(variant.prototype.id));
    const HelperPrototype &main = row(variant.prototype.id);
    CHECK(variant.prototype.name == main.name);
    CHECK(!variant.usedBy.empty());
    CHECK(variant.kernelName.find("_proto") != std::string_view::npos);
    const bool sameArgs =
        std::equal(main.args.begin(), main.args.end(), variant.prototype.args.begin(),
                   [](const HelperArg &a, const HelperArg &b) {
                     return a.kind == b.kind && a.flags == b.flags && a.size == b.size &&
                            a.btfType == b.btfType;
                   });
    const bool differs = !sameArgs || main.gplOnly != variant.prototype.gplOnly ||
                         main.mightSleep != variant.prototype.mightSleep ||
                         main.allowFastcall != variant.prototype.allowFastcall;
    CHECK(differs);
    const auto mine = helperVariants(variant.prototype.id);
    CHECK(std::any_of(mine.begin(), mine.end(),
                      [&](const HelperVariant &v) { return &v == &variant; }));
  }
  CHECK(helperVariants(HelperId::MapLookupElem).empty());
  CHECK(helperVariants(HelperId::SkStorageGet).size() == 2);
}

TEST_CASE("helper prototypes: the verifier's per-helper sets") {
  // bpf_helper_changes_pkt_data() (net/core/filter.c, 6.12 and 6.17; a function of the
  // helper id since "bpf: refactor bpf_helper_changes_pkt_data to use helper number").
  const std::vector<HelperId> changesPacket = {
      HelperId::SkbStoreBytes,    HelperId::L3CsumReplace,  HelperId::L4CsumReplace,
      HelperId::TailCall,         HelperId::CloneRedirect,  HelperId::SkbVlanPush,
      HelperId::SkbVlanPop,       HelperId::SkbChangeProto, HelperId::SkbChangeTail,
      HelperId::SkbPullData,      HelperId::SkbChangeHead,  HelperId::XdpAdjustHead,
      HelperId::SkbAdjustRoom,    HelperId::XdpAdjustMeta,  HelperId::MsgPullData,
      HelperId::XdpAdjustTail,    HelperId::LwtPushEncap,   HelperId::LwtSeg6StoreBytes,
      HelperId::LwtSeg6AdjustSrh, HelperId::LwtSeg6Action,  HelperId::MsgPushData,
      HelperId::MsgPopData,       HelperId::StoreHdrOpt,
  };
  CHECK(idsWhere([](const HelperPrototype &p) { return p.changesPacketData; }) == changesPacket);
  // is_acquire_function() (kernel/bpf/verifier.c), without its map-dependent case.
  const std::vector<HelperId> acquiring = {HelperId::SkLookupTcp, HelperId::SkLookupUdp,
                                           HelperId::SkcLookupTcp, HelperId::RingbufReserve,
                                           HelperId::KptrXchg};
  CHECK(idsWhere([](const HelperPrototype &p) { return p.acquiresReference; }) == acquiring);
  CHECK(idsWhere([](const HelperPrototype &p) { return p.acquiresOnSocketMaps; }) ==
        std::vector{HelperId::MapLookupElem});
  // is_ptr_cast_function() and is_dynptr_ref_function().
  const std::vector<HelperId> inheriting = {
      HelperId::SkFullsock,           HelperId::TcpSock,
      HelperId::SkcToTcp6Sock,        HelperId::SkcToTcpSock,
      HelperId::SkcToTcpTimewaitSock, HelperId::SkcToTcpRequestSock,
      HelperId::SkcToUdp6Sock,        HelperId::SkcToMptcpSock,
      HelperId::DynptrData,
  };
  CHECK(idsWhere([](const HelperPrototype &p) { return p.inheritsReference; }) == inheriting);
  // is_sync_callback_calling_function() and is_async_callback_calling_function().
  CHECK(idsWhere([](const HelperPrototype &p) {
          return p.callback == HelperCallback::Synchronous;
        }) == std::vector{HelperId::ForEachMapElem, HelperId::FindVma, HelperId::Loop,
                          HelperId::UserRingbufDrain});
  CHECK(idsWhere([](const HelperPrototype &p) {
          return p.callback == HelperCallback::Asynchronous;
        }) == std::vector{HelperId::TimerSetCallback});
  for (const HelperPrototype &prototype : allHelpers()) {
    INFO(prototype.name);
    const bool takesFunction =
        std::any_of(prototype.args.begin(), prototype.args.end(),
                    [](const HelperArg &a) { return a.kind == ArgKind::Function; });
    CHECK(takesFunction == (prototype.callback != HelperCallback::None));
  }
  // might_sleep in the prototypes the rows were written from.
  CHECK(idsWhere([](const HelperPrototype &p) { return p.mightSleep; }) ==
        std::vector{HelperId::CopyFromUser, HelperId::ImaInodeHash, HelperId::SysBpf,
                    HelperId::BtfFindByNameKind, HelperId::SysClose, HelperId::CopyFromUserTask,
                    HelperId::ImaFileHash});
  // do_refine_retval_range(): the refined helpers.
  CHECK(idsWhere([](const HelperPrototype &p) {
          return p.returns.bound != ReturnBound::Fixed || p.returns.minimum.has_value() ||
                 p.returns.maximum.has_value();
        }) == std::vector{HelperId::GetSmpProcessorId, HelperId::ProbeReadStr, HelperId::GetStack,
                          HelperId::ProbeReadUserStr, HelperId::ProbeReadKernelStr,
                          HelperId::GetTaskStack});
}

// Spot checks, each against the kernel's struct bpf_func_proto named in the comment.
TEST_CASE("helper prototypes: bpf_map_lookup_elem and bpf_map_update_elem") {
  // bpf_map_lookup_elem_proto: RET_PTR_TO_MAP_VALUE_OR_NULL (ARG_CONST_MAP_PTR,
  // ARG_PTR_TO_MAP_KEY), pkt_access.
  const HelperPrototype &lookup = row(HelperId::MapLookupElem);
  CHECK(lookup.returns.kind == ReturnKind::MapValue);
  CHECK(lookup.returns.flags == ReturnMaybeNull);
  CHECK(lookup.args[0].kind == ArgKind::ConstMapPtr);
  CHECK(lookup.args[1].kind == ArgKind::MapKey);
  CHECK(lookup.args[2].kind == ArgKind::None);
  CHECK(lookup.packetAccess);
  CHECK_FALSE(lookup.gplOnly);
  CHECK_FALSE(lookup.acquiresReference);
  // bpf_map_update_elem_proto: RET_INTEGER (map, key, ARG_PTR_TO_MAP_VALUE, ARG_ANYTHING).
  const HelperPrototype &update = row(HelperId::MapUpdateElem);
  CHECK(update.returns.kind == ReturnKind::Integer);
  CHECK(update.args[2].kind == ArgKind::MapValue);
  CHECK(update.args[2].flags == 0);
  CHECK(update.args[3].kind == ArgKind::Anything);
  CHECK(update.args[4].kind == ArgKind::None);
  // bpf_map_pop_elem_proto: ARG_PTR_TO_MAP_VALUE | MEM_UNINIT | MEM_WRITE.
  CHECK(row(HelperId::MapPopElem).args[1].flags == (Uninit | Write));
}

TEST_CASE("helper prototypes: bpf_probe_read_kernel and the string variants") {
  // bpf_probe_read_kernel_proto: gpl_only, (ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE_OR_ZERO,
  // ARG_ANYTHING).
  const HelperPrototype &read = row(HelperId::ProbeReadKernel);
  CHECK(read.gplOnly);
  CHECK(read.args[0].kind == ArgKind::Memory);
  CHECK(read.args[0].flags == (Uninit | Write));
  CHECK(read.args[1].kind == ArgKind::ConstSizeOrZero);
  CHECK(read.args[2].kind == ArgKind::Anything);
  CHECK_FALSE(read.returns.bound == ReturnBound::SizeArgument);
  // do_refine_retval_range: *_str return [-MAX_ERRNO, umax(size)].
  const HelperPrototype &readString = row(HelperId::ProbeReadKernelStr);
  CHECK(readString.returns.bound == ReturnBound::SizeArgument);
  CHECK(readString.returns.sizeArgument == 2);
  CHECK(readString.returns.minimum == -4095);
  CHECK_FALSE(readString.returns.maximum.has_value());
}

TEST_CASE("helper prototypes: ring buffer reserve, submit and discard") {
  // bpf_ringbuf_reserve_proto: RET_PTR_TO_RINGBUF_MEM_OR_NULL (ARG_CONST_MAP_PTR,
  // ARG_CONST_ALLOC_SIZE_OR_ZERO, ARG_ANYTHING); is_acquire_function.
  const HelperPrototype &reserve = row(HelperId::RingbufReserve);
  CHECK(reserve.returns.kind == ReturnKind::RingbufMemory);
  CHECK(reserve.returns.flags == ReturnMaybeNull);
  CHECK(reserve.returns.sizeArgument == 2);
  CHECK(reserve.args[1].kind == ArgKind::ConstAllocSizeOrZero);
  CHECK(reserve.acquiresReference);
  CHECK_FALSE(reserve.gplOnly);
  // bpf_ringbuf_submit_proto: RET_VOID (ARG_PTR_TO_RINGBUF_MEM | OBJ_RELEASE, ARG_ANYTHING).
  for (HelperId id : {HelperId::RingbufSubmit, HelperId::RingbufDiscard}) {
    const HelperPrototype &release = row(id);
    CHECK(release.returns.kind == ReturnKind::Void);
    CHECK(release.args[0].kind == ArgKind::RingbufMemory);
    CHECK(release.args[0].flags == Release);
    CHECK(release.args[1].kind == ArgKind::Anything);
  }
  // bpf_ringbuf_submit_dynptr_proto: ARG_PTR_TO_DYNPTR | DYNPTR_TYPE_RINGBUF | OBJ_RELEASE.
  CHECK(row(HelperId::RingbufSubmitDynptr).args[0].flags == (DynptrRingbuf | Release));
  CHECK(row(HelperId::RingbufReserveDynptr).args[3].flags == (DynptrRingbuf | Uninit | Write));
}

TEST_CASE("helper prototypes: socket lookup and release") {
  // bpf_tc_sk_lookup_tcp_proto: RET_PTR_TO_SOCKET_OR_NULL (ARG_PTR_TO_CTX, ARG_PTR_TO_MEM |
  // MEM_RDONLY, ARG_CONST_SIZE_OR_ZERO, ARG_ANYTHING, ARG_ANYTHING), pkt_access.
  const HelperPrototype &lookup = row(HelperId::SkLookupTcp);
  CHECK(lookup.returns.kind == ReturnKind::Socket);
  CHECK(lookup.returns.flags == ReturnMaybeNull);
  CHECK(lookup.args[0].kind == ArgKind::Context);
  CHECK(lookup.args[1].kind == ArgKind::Memory);
  CHECK(lookup.args[1].flags == ReadOnly);
  CHECK(lookup.args[2].kind == ArgKind::ConstSizeOrZero);
  CHECK(lookup.args[4].kind == ArgKind::Anything);
  CHECK(lookup.acquiresReference);
  CHECK(lookup.packetAccess);
  CHECK(row(HelperId::SkcLookupTcp).returns.kind == ReturnKind::SockCommon);
  // bpf_sk_release_proto: ARG_PTR_TO_BTF_ID_SOCK_COMMON | OBJ_RELEASE.
  const HelperPrototype &release = row(HelperId::SkRelease);
  CHECK(release.args[0].kind == ArgKind::BtfIdSockCommon);
  CHECK(release.args[0].flags == Release);
  CHECK(release.args[1].kind == ArgKind::None);
  CHECK(release.returns.kind == ReturnKind::Integer);
}

TEST_CASE("helper prototypes: bpf_kptr_xchg") {
  // bpf_kptr_xchg_proto: RET_PTR_TO_BTF_ID_OR_NULL (ARG_KPTR_XCHG_DEST,
  // ARG_PTR_TO_BTF_ID_OR_NULL | OBJ_RELEASE); both BTF ids are BPF_PTR_POISON.
  const HelperPrototype &exchange = row(HelperId::KptrXchg);
  CHECK(exchange.returns.kind == ReturnKind::BtfId);
  CHECK(exchange.returns.flags == ReturnMaybeNull);
  CHECK(exchange.returns.btfType.empty());
  CHECK(exchange.args[0].kind == ArgKind::KptrExchangeDestination);
  CHECK(exchange.args[1].kind == ArgKind::BtfId);
  CHECK(exchange.args[1].flags == (MaybeNull | Release));
  CHECK(exchange.acquiresReference);
}

TEST_CASE("helper prototypes: bpf_spin_lock and bpf_tail_call") {
  // bpf_spin_lock_proto: RET_VOID (ARG_PTR_TO_SPIN_LOCK).
  for (HelperId id : {HelperId::SpinLock, HelperId::SpinUnlock}) {
    const HelperPrototype &lock = row(id);
    CHECK(lock.returns.kind == ReturnKind::Void);
    CHECK(lock.args[0].kind == ArgKind::SpinLock);
    CHECK(lock.args[1].kind == ArgKind::None);
  }
  // bpf_tail_call_proto: RET_VOID (ARG_PTR_TO_CTX, ARG_CONST_MAP_PTR, ARG_ANYTHING); in
  // bpf_helper_changes_pkt_data.
  const HelperPrototype &tailCall = row(HelperId::TailCall);
  CHECK(tailCall.returns.kind == ReturnKind::Void);
  CHECK(tailCall.args[0].kind == ArgKind::Context);
  CHECK(tailCall.args[1].kind == ArgKind::ConstMapPtr);
  CHECK(tailCall.args[2].kind == ArgKind::Anything);
  CHECK(tailCall.changesPacketData);
}

TEST_CASE("helper prototypes: packet helpers") {
  // bpf_skb_load_bytes_proto: (ARG_PTR_TO_CTX, ARG_ANYTHING, ARG_PTR_TO_UNINIT_MEM,
  // ARG_CONST_SIZE); not in bpf_helper_changes_pkt_data.
  const HelperPrototype &load = row(HelperId::SkbLoadBytes);
  CHECK(load.args[0].kind == ArgKind::Context);
  CHECK(load.args[1].kind == ArgKind::Anything);
  CHECK(load.args[2].kind == ArgKind::Memory);
  CHECK(load.args[2].flags == (Uninit | Write));
  CHECK(load.args[3].kind == ArgKind::ConstSize);
  CHECK_FALSE(load.changesPacketData);
  // bpf_skb_store_bytes_proto: ARG_PTR_TO_MEM | MEM_RDONLY source; changes packet data.
  CHECK(row(HelperId::SkbStoreBytes).args[2].flags == ReadOnly);
  CHECK(row(HelperId::SkbStoreBytes).changesPacketData);
  // bpf_xdp_adjust_head_proto: (ARG_PTR_TO_CTX, ARG_ANYTHING); changes packet data.
  const HelperPrototype &adjust = row(HelperId::XdpAdjustHead);
  CHECK(adjust.args[0].kind == ArgKind::Context);
  CHECK(adjust.args[1].kind == ArgKind::Anything);
  CHECK(adjust.changesPacketData);
  CHECK_FALSE(row(HelperId::XdpStoreBytes).changesPacketData);
  // bpf_skb_check_mtu_proto: ARG_PTR_TO_FIXED_SIZE_MEM | MEM_WRITE | MEM_ALIGNED, u32.
  const HelperArg &mtu = row(HelperId::CheckMtu).args[2];
  CHECK(mtu.flags == (FixedSize | Write | Aligned));
  CHECK(mtu.size == 4);
}

TEST_CASE("helper prototypes: bpf_get_smp_processor_id's range") {
  // do_refine_retval_range: [0, nr_cpu_ids - 1]; bpf_get_smp_processor_id_proto has
  // allow_fastcall.
  const HelperPrototype &cpu = row(HelperId::GetSmpProcessorId);
  CHECK(cpu.returns.kind == ReturnKind::Integer);
  CHECK(cpu.returns.minimum == 0);
  CHECK(cpu.returns.bound == ReturnBound::LastCpu);
  CHECK(cpu.args[0].kind == ArgKind::None);
  CHECK(cpu.allowFastcall);
  const auto variants = helperVariants(HelperId::GetSmpProcessorId);
  REQUIRE(variants.size() == 1);
  CHECK_FALSE(variants[0].prototype.allowFastcall);
}

TEST_CASE("helper prototypes: format strings and callbacks") {
  // bpf_snprintf_proto: gpl_only (ARG_PTR_TO_MEM_OR_NULL | MEM_WRITE,
  // ARG_CONST_SIZE_OR_ZERO, ARG_PTR_TO_CONST_STR, ARG_PTR_TO_MEM | PTR_MAYBE_NULL |
  // MEM_RDONLY, ARG_CONST_SIZE_OR_ZERO); MEM_WRITE since "bpf: Fix memory access flags in
  // helper prototypes", which 6.18.y carries (and the running kernel shows).
  const HelperPrototype &print = row(HelperId::Snprintf);
  CHECK(print.gplOnly);
  CHECK(print.args[0].flags == (MaybeNull | Write));
  CHECK(print.args[2].kind == ArgKind::ConstString);
  CHECK(print.args[3].flags == (MaybeNull | ReadOnly));
  CHECK(print.args[4].kind == ArgKind::ConstSizeOrZero);
  CHECK(row(HelperId::Strncmp).args[2].kind == ArgKind::ConstString);
  // bpf_loop_proto: (ARG_ANYTHING, ARG_PTR_TO_FUNC, ARG_PTR_TO_STACK_OR_NULL, ARG_ANYTHING).
  const HelperPrototype &loop = row(HelperId::Loop);
  CHECK(loop.args[0].kind == ArgKind::Anything);
  CHECK(loop.args[1].kind == ArgKind::Function);
  CHECK(loop.args[2].kind == ArgKind::Stack);
  CHECK(loop.args[2].flags == MaybeNull);
  CHECK(loop.callback == HelperCallback::Synchronous);
  CHECK_FALSE(loop.gplOnly);
  // bpf_timer_set_callback_proto: gpl_only (ARG_PTR_TO_TIMER, ARG_PTR_TO_FUNC); async.
  const HelperPrototype &timer = row(HelperId::TimerSetCallback);
  CHECK(timer.gplOnly);
  CHECK(timer.args[0].kind == ArgKind::Timer);
  CHECK(timer.args[1].kind == ArgKind::Function);
  CHECK(timer.callback == HelperCallback::Asynchronous);
}

TEST_CASE("helper prototypes: BTF-typed arguments and returns") {
  // bpf_get_current_task_btf_proto: RET_PTR_TO_BTF_ID_TRUSTED task_struct, gpl_only.
  const HelperPrototype &task = row(HelperId::GetCurrentTaskBtf);
  CHECK(task.returns.kind == ReturnKind::BtfId);
  CHECK(task.returns.flags == ReturnTrusted);
  CHECK(task.returns.btfType == "task_struct");
  CHECK(task.gplOnly);
  // bpf_task_storage_get_proto: ARG_PTR_TO_BTF_ID_OR_NULL task_struct.
  const HelperArg &owner = row(HelperId::TaskStorageGet).args[1];
  CHECK(owner.kind == ArgKind::BtfId);
  CHECK(owner.flags == MaybeNull);
  CHECK(owner.btfType == "task_struct");
  // bpf_skc_to_tcp_sock_proto: RET_PTR_TO_BTF_ID_OR_NULL tcp_sock from
  // ARG_PTR_TO_BTF_ID_SOCK_COMMON.
  const HelperPrototype &cast = row(HelperId::SkcToTcpSock);
  CHECK(cast.returns.btfType == "tcp_sock");
  CHECK(cast.args[0].kind == ArgKind::BtfIdSockCommon);
  CHECK(cast.inheritsReference);
  // bpf_copy_from_user_proto: might_sleep.
  CHECK(row(HelperId::CopyFromUser).mightSleep);
}

TEST_CASE("helper prototypes: variants that change what the verifier checks") {
  // bpf_sk_storage_get_cg_sock_proto takes the context; the tracing one a BTF sock_common.
  const auto storage = helperVariants(HelperId::SkStorageGet);
  REQUIRE(storage.size() == 2);
  CHECK(storage[0].prototype.args[1].kind == ArgKind::Context);
  CHECK(storage[1].prototype.args[1].kind == ArgKind::BtfId);
  CHECK(storage[1].prototype.args[1].btfType == "sock_common");
  // bpf_get_stackid_proto_pe is not GPL-only.
  const auto stackid = helperVariants(HelperId::GetStackid);
  REQUIRE(stackid.size() == 1);
  CHECK_FALSE(stackid[0].prototype.gplOnly);
  // bpf_get_socket_ptr_cookie_proto: ARG_PTR_TO_BTF_ID_SOCK_COMMON | PTR_MAYBE_NULL.
  const auto cookie = helperVariants(HelperId::GetSocketCookie);
  REQUIRE(cookie.size() == 1);
  CHECK(cookie[0].prototype.args[0].kind == ArgKind::BtfIdSockCommon);
  CHECK(cookie[0].prototype.args[0].flags == MaybeNull);
  // The sleepable bpf_get_stack.
  const auto stack = helperVariants(HelperId::GetStack);
  CHECK(std::any_of(stack.begin(), stack.end(),
                    [](const HelperVariant &v) { return v.prototype.mightSleep; }));
}
