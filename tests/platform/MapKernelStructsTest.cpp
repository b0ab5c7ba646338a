// The map-type -> kernel struct table (kernelStructOfMap): every map type Linux 6.18 has is
// embedded in a struct of the running kernel's BTF that starts with its struct bpf_map,
// which is what a program reads through a map pointer.
#include "bpfcheck/platform/MapTypeRules.h"

#include <bpf/btf.h>
#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace bpfcheck;

TEST_CASE("map kernel structs: the types the selftests read") {
  CHECK(kernelStructOfMap(MapType::Array) == "bpf_array");
  CHECK(kernelStructOfMap(MapType::Hash) == "bpf_htab");
  CHECK(kernelStructOfMap(MapType::Ringbuf) == "bpf_ringbuf_map");
  CHECK(kernelStructOfMap(MapType::Unspec).empty());
}

TEST_CASE("map kernel structs: every struct embeds a struct bpf_map at its start") {
  std::unique_ptr<btf, void (*)(btf *)> vmlinux(btf__load_vmlinux_btf(), &btf__free);
  if (!vmlinux) {
    // ctest reports this as skipped (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt).
    MESSAGE("SKIPPED: cannot read the kernel's BTF (/sys/kernel/btf/vmlinux)");
    return;
  }
  for (const MapTypeRule &rule : allMapTypeRules()) {
    const std::string name(kernelStructOfMap(rule.type));
    INFO(static_cast<unsigned>(rule.type), " ", name);
    REQUIRE_FALSE(name.empty());
    const int id = btf__find_by_name_kind(vmlinux.get(), name.c_str(), BTF_KIND_STRUCT);
    REQUIRE(id > 0);
    const btf_type *type = btf__type_by_id(vmlinux.get(), static_cast<std::uint32_t>(id));
    REQUIRE(btf_vlen(type) > 0);
    const btf_member *first = btf_members(type);
    CHECK(btf_member_bit_offset(type, 0) == 0);
    const btf_type *member = btf__type_by_id(vmlinux.get(), first->type);
    REQUIRE(member != nullptr);
    CHECK(std::string(btf__name_by_offset(vmlinux.get(), member->name_off)) == "bpf_map");
  }
}
