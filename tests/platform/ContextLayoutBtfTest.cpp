// The context layout tables against the running kernel's BTF (/sys/kernel/btf/vmlinux): every
// row of a layout whose struct is in the kernel's BTF sits exactly on a member (or on
// elements of an array member), the rows named after a member cover it exactly, every member
// is covered or listed as left out with a reason, rows that are not members lie in padding,
// and the struct sizes agree. Also the tables' own shape (sorted, disjoint rows inside the
// struct) and a few access verdicts and messages that other modules rely on.
#include "bpfcheck/platform/ContextLayout.h"

#include <bpf/btf.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace bpfcheck;

namespace {

/// A member of a BTF struct, with anonymous unions and structs flattened into their parent.
struct BtfMember {
  std::string name;
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
  std::uint32_t elementSize = 0; ///< arrays: one element; otherwise `size`
  bool flexible = false;         ///< a zero-length trailing array
};

std::uint32_t typeSize(const btf *types, std::uint32_t id) {
  const long long size = btf__resolve_size(types, id);
  return size < 0 ? 0 : std::uint32_t(size);
}

void collectMembers(const btf *types, std::uint32_t id, std::uint32_t base,
                    std::vector<BtfMember> &members) {
  const btf_type *type = btf__type_by_id(types, std::uint32_t(btf__resolve_type(types, id)));
  const btf_member *member = btf_members(type);
  for (unsigned i = 0; i < btf_vlen(type); ++i, ++member) {
    const std::uint32_t offset = base + btf_member_bit_offset(type, i) / 8;
    const std::string name = btf__name_by_offset(types, member->name_off);
    if (name.empty()) {
      collectMembers(types, member->type, offset, members);
      continue;
    }
    BtfMember entry{name, offset, typeSize(types, member->type), 0, false};
    entry.elementSize = entry.size;
    const btf_type *memberType =
        btf__type_by_id(types, std::uint32_t(btf__resolve_type(types, member->type)));
    if (btf_is_array(memberType)) {
      const struct btf_array *array = btf_array(memberType);
      entry.elementSize = typeSize(types, array->type);
      entry.flexible = array->nelems == 0;
    }
    members.push_back(entry);
  }
}

/// "args[1..3]" -> ("args", 1, 3); "cb" -> ("cb", none).
struct RowName {
  std::string member;
  std::optional<std::uint32_t> first;
  std::uint32_t last = 0;
};

RowName parseRowName(std::string_view name) {
  RowName parsed;
  const std::size_t bracket = name.find('[');
  parsed.member = std::string(name.substr(0, bracket));
  if (bracket == std::string_view::npos)
    return parsed;
  const std::string_view inside = name.substr(bracket + 1, name.find(']') - bracket - 1);
  const std::size_t dots = inside.find("..");
  parsed.first = std::uint32_t(std::stoul(std::string(inside.substr(0, dots))));
  parsed.last = dots == std::string_view::npos
                    ? *parsed.first
                    : std::uint32_t(std::stoul(std::string(inside.substr(dots + 2))));
  return parsed;
}

std::string describe(const ContextLayout &layout) {
  return std::string(nameOf(layout.type)) + " " + std::string(layout.structName);
}

std::vector<const ContextLayout *> everyLayout() {
  std::vector<const ContextLayout *> layouts;
  for (const ContextLayout &layout : allContextLayouts())
    layouts.push_back(&layout);
  for (ContextValue pointer : {ContextValue::Socket, ContextValue::SockCommonOrNull,
                               ContextValue::FlowKeys, ContextValue::TcpSock})
    layouts.push_back(pointeeLayout(pointer));
  return layouts;
}

} // namespace

TEST_CASE("context layouts: every row sits on a BTF member and every member is covered") {
  std::unique_ptr<btf, void (*)(btf *)> vmlinux(btf__load_vmlinux_btf(), &btf__free);
  if (!vmlinux) {
    // ctest reports this as skipped (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt).
    MESSAGE("SKIPPED: cannot read the kernel's BTF (/sys/kernel/btf/vmlinux)");
    return;
  }
  std::size_t checkedLayouts = 0, checkedRows = 0, notInBtf = 0;
  for (const ContextLayout *layout : everyLayout()) {
    if (!layout->inKernelBtf) {
      ++notInBtf;
      continue;
    }
    CAPTURE(describe(*layout));
    const int id = btf__find_by_name_kind(vmlinux.get(), std::string(layout->structName).c_str(),
                                          BTF_KIND_STRUCT);
    REQUIRE(id > 0);
    ++checkedLayouts;
    const btf_type *type = btf__type_by_id(vmlinux.get(), std::uint32_t(id));
    const bool flexibleTail = [&] {
      std::vector<BtfMember> members;
      collectMembers(vmlinux.get(), std::uint32_t(id), 0, members);
      return !members.empty() && members.back().flexible;
    }();
    if (!flexibleTail)
      CHECK(layout->size == type->size);

    std::vector<BtfMember> members;
    collectMembers(vmlinux.get(), std::uint32_t(id), 0, members);
    std::map<std::string, const BtfMember *> byName;
    for (const BtfMember &member : members)
      byName[member.name] = &member;

    // The bytes a row name stands for: the member, or the named elements of an array.
    auto bytesOf = [&](const RowName &name, const BtfMember &member) {
      std::uint32_t begin = member.offset;
      std::uint32_t end = member.flexible ? layout->size : member.offset + member.size;
      if (name.first) {
        begin = member.offset + *name.first * member.elementSize;
        end = member.offset + (name.last + 1) * member.elementSize;
      }
      return std::pair{begin, end};
    };

    // Rows: on their member (or its elements); rows that are not members only in padding.
    std::map<std::string, std::vector<std::pair<std::uint32_t, std::uint32_t>>> rowsByName;
    for (const ContextField &field : layout->fields) {
      CAPTURE(std::string(field.name));
      ++checkedRows;
      const std::uint32_t begin = field.offset, end = field.offset + field.span;
      if (field.name.starts_with("(")) {
        if (field.name == "(any byte)") // one row for the whole struct
          continue;
        for (const BtfMember &member : members) {
          CAPTURE(member.name);
          CHECK((end <= member.offset || begin >= member.offset + member.size));
        }
        continue;
      }
      const RowName name = parseRowName(field.name);
      const auto found = byName.find(name.member);
      REQUIRE_MESSAGE(found != byName.end(), "no BTF member named " << name.member);
      const auto [memberBegin, memberEnd] = bytesOf(name, *found->second);
      if (name.first && !found->second->flexible)
        CHECK(memberEnd <= found->second->offset + found->second->size);
      CHECK(begin >= memberBegin);
      CHECK(end <= memberEnd);
      rowsByName[std::string(field.name)].emplace_back(begin, end);
    }
    // The rows of one name cover exactly its bytes, without overlapping.
    for (const auto &[rowName, ranges] : rowsByName) {
      CAPTURE(rowName);
      const RowName name = parseRowName(rowName);
      const auto [memberBegin, memberEnd] = bytesOf(name, *byName.at(name.member));
      std::uint32_t low = ranges.front().first, high = ranges.front().second, bytes = 0;
      for (const auto &[rowBegin, rowEnd] : ranges) {
        low = std::min(low, rowBegin);
        high = std::max(high, rowEnd);
        bytes += rowEnd - rowBegin;
      }
      CHECK(low == memberBegin);
      CHECK(high == memberEnd);
      CHECK(bytes == memberEnd - memberBegin);
    }

    // Members: each one covered by rows of its name, or left out with a reason.
    for (const BtfMember &member : members) {
      CAPTURE(member.name);
      bool whole = false;
      std::uint32_t elementBytes = 0;
      for (const ContextField &field : layout->fields) {
        const RowName name = parseRowName(field.name);
        if (name.member != member.name)
          continue;
        if (!name.first)
          whole = true;
        else
          elementBytes += field.span;
      }
      const bool coveredByRows =
          whole || (member.flexible ? elementBytes > 0 : elementBytes == member.size);
      bool leftOut = false;
      for (const LeftOutMember &entry : layout->leftOut)
        if (entry.name == member.name) {
          leftOut = true;
          CHECK_FALSE(entry.reason.empty());
        }
      CHECK_MESSAGE((coveredByRows || leftOut),
                    "member " << member.name << " is neither in a row nor left out");
      CHECK_FALSE((coveredByRows && leftOut && whole));
    }
  }
  MESSAGE("checked " << checkedLayouts << " layouts (" << checkedRows
                     << " rows) against the kernel's BTF; " << notInBtf
                     << " layouts describe contexts that are not BTF structs");
  CHECK(checkedLayouts >= 20);
}

TEST_CASE("context layouts: rows are sorted, disjoint and inside the struct") {
  for (const ContextLayout *layout : everyLayout()) {
    CAPTURE(describe(*layout));
    std::uint32_t next = 0;
    for (const ContextField &field : layout->fields) {
      CAPTURE(std::string(field.name));
      CHECK(field.offset >= next);
      CHECK(field.span > 0);
      next = field.offset + field.span;
      CHECK(next <= layout->size);
      CHECK((field.readSizes & ~AnySize) == 0);
      CHECK((field.writeSizes & ~AnySize) == 0);
    }
  }
  // Every program type but unspec has a layout.
  for (std::uint32_t type = 1; type <= std::uint32_t(ProgramType::Netfilter); ++type) {
    CAPTURE(type);
    CHECK(findContextLayout(ProgramType(type), std::nullopt) != nullptr);
  }
}

TEST_CASE("context access: verdicts and messages") {
  using P = ProgramType;
  using A = AttachType;
  const ContextAccess lenWrite = checkContextAccess(P::SchedCls, std::nullopt, 0, 4, true);
  CHECK_FALSE(lenWrite.allowed);
  CHECK(lenWrite.reason == "write to __sk_buff->len is not allowed in sched_cls programs");

  const ContextAccess data = checkContextAccess(P::SchedCls, std::nullopt, 76, 4, false);
  CHECK(data.allowed);
  CHECK(data.yields == ContextValue::PacketStart);
  CHECK_FALSE(checkContextAccess(P::SchedCls, std::nullopt, 76, 2, false).allowed);
  ContextAccessOptions signExtended;
  signExtended.signExtended = true;
  CHECK_FALSE(checkContextAccess(P::SchedCls, std::nullopt, 76, 4, false, signExtended).allowed);
  CHECK_FALSE(checkContextAccess(P::SocketFilter, std::nullopt, 76, 4, false).allowed);

  const ContextAccess cbWide = checkContextAccess(P::SocketFilter, std::nullopt, 56, 8, true);
  CHECK(cbWide.allowed);
  CHECK_FALSE(checkContextAccess(P::SocketFilter, std::nullopt, 64, 8, true).allowed);
  CHECK(checkContextAccess(P::SchedCls, std::nullopt, 49, 1, false).allowed);
  CHECK(checkContextAccess(P::SchedCls, std::nullopt, 9, 1, false).narrow);

  const ContextAccess ip6 =
      checkContextAccess(P::CgroupSockAddr, A::CgroupInet4Connect, 8, 4, false);
  CHECK_FALSE(ip6.allowed);
  CHECK(ip6.reason == "bpf_sock_addr->user_ip6 is only available on the *6 hooks");
  CHECK(checkContextAccess(P::CgroupSockAddr, A::CgroupInet6Connect, 16, 8, true).allowed);
  CHECK(checkContextAccess(P::CgroupSockAddr, A::CgroupUdp4Sendmsg, 40, 4, true).allowed);
  CHECK_FALSE(checkContextAccess(P::CgroupSockAddr, A::CgroupInet4Connect, 40, 4, true).allowed);

  CHECK(checkContextAccess(P::CgroupSock, std::nullopt, 16, 4, true).allowed); // sock_create
  CHECK_FALSE(checkContextAccess(P::CgroupSock, A::CgroupInet4PostBind, 16, 4, false).allowed);
  CHECK(checkContextAccess(P::CgroupSock, A::CgroupInet4PostBind, 24, 4, false).allowed);
  CHECK_FALSE(checkContextAccess(P::CgroupSock, std::nullopt, 5, 1, false).allowed);
  CHECK(checkContextAccess(P::CgroupSock, std::nullopt, 4, 1, false).allowed);
  CHECK(checkContextAccess(P::CgroupSock, std::nullopt, 48, 4, false).allowed); // dst_port

  CHECK_FALSE(checkContextAccess(P::Xdp, std::nullopt, 20, 4, false).allowed);
  CHECK(checkContextAccess(P::Xdp, A::XdpDevmap, 20, 4, false).allowed);

  ContextAccessOptions sched;
  sched.btfArguments = BtfArguments{4, 0b0110, false, false};
  CHECK(checkContextAccess(P::Tracing, A::TraceRawTp, 0, 1, false, sched).allowed);
  CHECK_FALSE(checkContextAccess(P::Tracing, A::TraceRawTp, 8, 4, false, sched).allowed);
  CHECK(checkContextAccess(P::Tracing, A::TraceRawTp, 8, 8, false, sched).yields ==
        ContextValue::BtfArgument);
  CHECK_FALSE(checkContextAccess(P::Tracing, A::TraceRawTp, 32, 8, false, sched).allowed);
  ContextAccessOptions fexit;
  fexit.btfArguments = BtfArguments{1, 0, true, false};
  CHECK(checkContextAccess(P::Tracing, A::TraceFexit, 8, 8, false, fexit).allowed);
  CHECK_FALSE(checkContextAccess(P::Tracing, A::TraceFentry, 8, 8, false, fexit).allowed);

  CHECK(checkPointeeAccess(ContextValue::FlowKeys, 3, 4, true).allowed);
  CHECK_FALSE(checkPointeeAccess(ContextValue::Socket, 4, 4, true).allowed);
  CHECK_FALSE(checkPointeeAccess(ContextValue::SockCommonOrNull, 8, 4, false).allowed);
}

TEST_CASE("return ranges") {
  using P = ProgramType;
  using A = AttachType;
  CHECK_FALSE(allowedReturnRange(P::Xdp, std::nullopt));
  CHECK(findReturnRule(P::Xdp, std::nullopt)->check == ReturnCheck::Unchecked);
  const auto egress = allowedReturnRange(P::CgroupSkb, A::CgroupInetEgress);
  REQUIRE(egress);
  CHECK(egress->maximum == 3);
  CHECK(allowedReturnRange(P::CgroupSkb, std::nullopt)->maximum == 1);
  CHECK(allowedReturnRange(P::CgroupSockAddr, A::CgroupUdp4Recvmsg)->minimum == 1);
  CHECK(allowedReturnRange(P::CgroupSockAddr, A::CgroupInet6Bind)->maximum == 3);
  CHECK(allowedReturnRange(P::Tracing, A::TraceFentry)->maximum == 0);
  CHECK(allowedReturnRange(P::Tracing, A::TraceIter)->maximum == 1);
  CHECK_FALSE(allowedReturnRange(P::Tracing, A::ModifyReturn));
  const auto lsm = allowedReturnRange(P::Lsm, A::LsmMac);
  REQUIRE(lsm);
  CHECK(lsm->minimum == -4095);
  CHECK(lsm->contains(0xffffffff)); // -1 in the low 32 bits
  CHECK_FALSE(allowedReturnRange(P::Lsm, A::LsmMac, TargetReturn::Void));
  CHECK(allowedReturnRange(P::Lsm, A::LsmCgroup, TargetReturn::Void)->minimum == 1);
  CHECK(allowedReturnRange(P::Kprobe, A::TraceKprobeSession)->maximum == 1);
  CHECK_FALSE(allowedReturnRange(P::Kprobe, std::nullopt));
  for (std::uint32_t type = 1; type <= std::uint32_t(P::Netfilter); ++type) {
    CAPTURE(type);
    CHECK(findReturnRule(ProgramType(type), std::nullopt) != nullptr);
  }
}
