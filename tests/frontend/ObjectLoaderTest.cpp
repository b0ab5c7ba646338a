// The ELF frontend on objects clang-19 built from the corpus: maps of every origin, their
// attributes and initial values, global data, relocations, programs and source lines. The
// expected values are read off the corpus sources named in each test.
#include "bpfcheck/frontend/ObjectLoader.h"
#include "bpfcheck/frontend/Assembler.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>

using namespace bpfcheck;

namespace {

Object load(const std::string &relativePath) {
  auto object = loadObjectFile(std::string(BPFCHECK_CORPUS_DIR) + "/" + relativePath, {});
  REQUIRE_MESSAGE(object, (object ? "" : object.error().message));
  return std::move(*object);
}

const MapDefinition &map(const Object &object, const std::string &name) {
  const auto index = object.findMap(name);
  REQUIRE_MESSAGE(index, name);
  return object.maps[*index];
}

bool hasRelocation(const Program &program, RelocationKind kind, const std::string &symbol) {
  return std::any_of(
      program.relocations.begin(), program.relocations.end(),
      [&](const AppliedRelocation &r) { return r.kind == kind && r.symbol == symbol; });
}

} // namespace

TEST_CASE("legacy struct bpf_map_def maps are read") {
  // maps/legacy_map_def.c: ARRAY, key u32, value u64, 256 entries.
  const Object object = load("maps/legacy_map_def.o");
  const MapDefinition &counts = map(object, "proto_count");
  CHECK(counts.origin == MapOrigin::Legacy);
  CHECK(counts.type == std::uint32_t(MapType::Array));
  CHECK(counts.keySize == 4);
  CHECK(counts.valueSize == 8);
  CHECK(counts.maxEntries == 256);
  REQUIRE(object.programs.size() == 1);
  CHECK(hasRelocation(object.programs[0], RelocationKind::MapReference, "proto_count"));
}

TEST_CASE("BTF-defined maps carry their attributes, flags and pinning") {
  // maps/pinned_map.c: ARRAY of one u64, pinned by name.
  const Object pinnedObject = load("maps/pinned_map.o");
  const MapDefinition &pinned = map(pinnedObject, "drops_pinned");
  CHECK(pinned.origin == MapOrigin::BtfDefined);
  CHECK(pinned.pinning == PinningMode::ByName);
  CHECK(pinned.keySize == 4);
  CHECK(pinned.valueSize == 8);
  CHECK(pinned.keyTypeId != 0);
  CHECK(pinned.valueTypeId != 0);
  // maps/hash_no_prealloc.c: HASH u32 -> u32, BPF_F_NO_PREALLOC (1), 100000 entries.
  const Object flagsObject = load("maps/hash_no_prealloc.o");
  const MapDefinition &flags = map(flagsObject, "open_flags");
  CHECK(flags.type == std::uint32_t(MapType::Hash));
  CHECK(flags.flags == 1);
  CHECK(flags.maxEntries == 100000);
}

TEST_CASE("prog arrays and maps of maps keep their initial values and inner map") {
  // maps/prog_array_tail_call.c: slots [IPPROTO_TCP = 6] and [IPPROTO_UDP = 17].
  const Object tail = load("maps/prog_array_tail_call.o");
  const MapDefinition &byProto = map(tail, "by_proto");
  CHECK(byProto.type == std::uint32_t(MapType::ProgArray));
  CHECK(byProto.valueSize == 4);
  REQUIRE(byProto.initialSlots.size() == 2);
  CHECK(byProto.initialSlots[0].index == 6);
  CHECK(byProto.initialSlots[0].target == "handle_tcp");
  CHECK(byProto.initialSlots[1].index == 17);
  CHECK(byProto.initialSlots[1].target == "handle_udp");
  CHECK(tail.programs.size() == 3);

  // maps/array_of_maps.c: ARRAY_OF_MAPS of HASH u32 -> u8 (1024), slots 0 and 1.
  const Object outer = load("maps/array_of_maps.o");
  const MapDefinition &byInterface = map(outer, "allow_by_if");
  CHECK(byInterface.type == std::uint32_t(MapType::ArrayOfMaps));
  REQUIRE(byInterface.innerMap);
  const MapDefinition &inner = outer.maps[*byInterface.innerMap];
  CHECK(inner.isInnerTemplate);
  CHECK(inner.type == std::uint32_t(MapType::Hash));
  CHECK(inner.valueSize == 1);
  CHECK(inner.maxEntries == 1024);
  REQUIRE(byInterface.initialSlots.size() == 2);
  CHECK(byInterface.initialSlots[1].target == "allow_wan");
}

TEST_CASE("global data sections become one-entry arrays with their contents") {
  // globals/data_bss_rodata.c: const volatile u32 drop_proto = IPPROTO_ICMP (1) in .rodata,
  // u64 frames_seen = 1 in .data, u64 dropped_by_cpu[64] in .bss.
  const Object object = load("globals/data_bss_rodata.o");
  const MapDefinition &rodata = map(object, ".rodata");
  CHECK(rodata.origin == MapOrigin::GlobalData);
  CHECK(rodata.readOnly);
  CHECK(rodata.maxEntries == 1);
  REQUIRE(rodata.initialData.size() == 4);
  CHECK(rodata.initialData[0] == std::byte{1});
  const MapDefinition &data = map(object, ".data");
  CHECK_FALSE(data.readOnly);
  REQUIRE(data.initialData.size() == 8);
  CHECK(data.initialData[0] == std::byte{1});
  const MapDefinition &bss = map(object, ".bss");
  CHECK(bss.valueSize == 64 * 8);
  CHECK(bss.initialData.empty()); // implicit zeros
  REQUIRE(object.programs.size() == 1);
  const Program &program = object.programs[0];
  CHECK(hasRelocation(program, RelocationKind::GlobalData, ".rodata"));
  CHECK(hasRelocation(program, RelocationKind::GlobalData, ".bss"));
}

TEST_CASE("programs get their type, subprograms, callbacks and source lines") {
  // trace/bpf_loop_callback.c: a callback passed to bpf_loop.
  const Object loop = load("trace/bpf_loop_callback.o");
  REQUIRE(loop.programs.size() == 1);
  const Program &program = loop.programs[0];
  CHECK(program.code.functions.size() >= 2);
  CHECK(std::any_of(program.code.functions.begin(), program.code.functions.end(),
                    [](const Function &f) { return f.role == FunctionRole::Callback; }));
  CHECK(std::any_of(
      program.relocations.begin(), program.relocations.end(),
      [](const AppliedRelocation &r) { return r.kind == RelocationKind::FunctionAddress; }));
  CHECK(!program.lineInfo.empty());
  CHECK(!program.funcInfo.empty());
  const auto &location = program.code.locations[0];
  REQUIRE(location);
  CHECK(location->file.find("bpf_loop_callback.c") != std::string::npos);
  CHECK(location->line > 0);

  // net/xdp_multi_prog.c: three programs in one SEC("xdp").
  const Object multi = load("net/xdp_multi_prog.o");
  CHECK(multi.programs.size() == 3);
  for (const Program &p : multi.programs) {
    CHECK(p.section == "xdp");
    CHECK(p.type == ProgramType::Xdp);
  }
}

TEST_CASE("CO-RE relocations are resolved against the target BTF") {
  // trace/core_task_parent.c reads task_struct fields through BPF_CORE_READ.
  const Object object = load("trace/core_task_parent.o");
  REQUIRE(object.programs.size() == 1);
  const Program &program = object.programs[0];
  CHECK(std::count_if(program.relocations.begin(), program.relocations.end(),
                      [](const AppliedRelocation &r) { return r.kind == RelocationKind::CoRe; }) >=
        2);
}

TEST_CASE("an unknown section is reported, and --type loads it") {
  // No corpus object has an unknown section: a one-function object is assembled instead.
  const std::string source = "\t.section\tmy_custom_hook,\"ax\",@progbits\n"
                             "\t.globl\tentry\nentry:\n\tr0 = 0\n\texit\n"
                             "\t.section\tlicense,\"aw\",@progbits\n\t.asciz\t\"GPL\"\n";
  auto bytes = assembleObject(source);
  REQUIRE(bytes);
  auto plain = loadObject(*bytes, {}, "custom.o");
  REQUIRE(plain);
  CHECK(plain->programs.empty());
  REQUIRE(plain->warnings.size() == 1);
  CHECK(plain->warnings[0].find("section 'my_custom_hook'") == 0);
  CHECK(plain->license == "GPL");

  LoadOptions typed;
  typed.programType = ProgramType::SchedCls;
  auto overridden = loadObject(*bytes, typed, "custom.o");
  REQUIRE(overridden);
  REQUIRE(overridden->programs.size() == 1);
  CHECK(overridden->programs[0].type == ProgramType::SchedCls);
}

TEST_CASE(".kconfig externs are filled from the kernel configuration") {
  // trace/kconfig_externs.c declares CONFIG_BPF_SYSCALL (bool), CONFIG_HZ (int), a weak
  // tristate CONFIG_BPFCHECK_NOT_A_REAL_OPTION and LINUX_KERNEL_VERSION. Slots go by
  // decreasing alignment, then name: the tristate at 0, CONFIG_HZ at 4,
  // LINUX_KERNEL_VERSION at 8, CONFIG_BPF_SYSCALL at 12.
  const std::string config = std::string(BPFCHECK_CORPUS_DIR) + "/kconfig-test.config";
  auto loadWith = [&](const std::string &text) {
    std::ofstream(config) << text;
    LoadOptions options;
    options.kconfigPath = config;
    return loadObjectFile(std::string(BPFCHECK_CORPUS_DIR) + "/trace/kconfig_externs.o", options);
  };
  auto object = loadWith("CONFIG_BPF_SYSCALL=y\n# CONFIG_DEBUG_INFO is not set\nCONFIG_HZ=1000\n");
  REQUIRE_MESSAGE(object, (object ? "" : object.error().message));
  const MapDefinition &kconfig = map(*object, ".kconfig");
  CHECK(kconfig.origin == MapOrigin::Kconfig);
  CHECK(kconfig.readOnly);
  REQUIRE(kconfig.initialData.size() == 13);
  std::int32_t tristate, hz;
  std::memcpy(&tristate, kconfig.initialData.data() + 0, 4);
  std::memcpy(&hz, kconfig.initialData.data() + 4, 4);
  CHECK(tristate == 0);
  CHECK(hz == 1000);
  CHECK(kconfig.initialData[12] == std::byte{1});

  auto missing = loadWith("CONFIG_BPF_SYSCALL=y\n");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("kconfig extern 'CONFIG_HZ' is not in") != std::string::npos);

  auto module = loadWith("CONFIG_BPF_SYSCALL=m\nCONFIG_HZ=100\n");
  REQUIRE_FALSE(module);
  CHECK(module.error().message.find("value 'm' is not a boolean") != std::string::npos);

  auto notNumber = loadWith("CONFIG_BPF_SYSCALL=y\nCONFIG_HZ=fast\n");
  REQUIRE_FALSE(notNumber);
  CHECK(notNumber.error().message.find("value 'fast' is not an integer") != std::string::npos);
  std::remove(config.c_str());
}
