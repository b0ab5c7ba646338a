// CO-RE relocation resolution and patching against local and target BTF built in memory
// with libbpf's writer API. Every expected value is worked out in a comment from the
// layouts below (libbpf's relo_core.c rules), not taken from the implementation.
#include "bpfcheck/frontend/CoRe.h"

#include <bpf/btf.h>
#include <doctest/doctest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

using namespace bpfcheck;
using encoding::RawInstruction;

namespace {

struct Member {
  const char *name;
  int type;
  std::uint32_t bitOffset;
  std::uint32_t bitSize = 0;
};

struct Enumerator {
  const char *name;
  std::int64_t value;
};

/// A BTF under construction; every add must succeed.
class Types {
public:
  Types() : handle(btf__new_empty(), btf__free) { REQUIRE(handle != nullptr); }

  const btf &get() const { return *handle; }

  int integer(const char *name, std::size_t bytes, bool isSigned) {
    return check(btf__add_int(handle.get(), name, bytes, isSigned ? BTF_INT_SIGNED : 0));
  }
  int structure(const char *name, std::uint32_t bytes, std::initializer_list<Member> members) {
    return composite(btf__add_struct(handle.get(), name, bytes), members);
  }
  int unionOf(const char *name, std::uint32_t bytes, std::initializer_list<Member> members) {
    return composite(btf__add_union(handle.get(), name, bytes), members);
  }
  int array(int element, std::uint32_t count) {
    return check(btf__add_array(handle.get(), element, element, count));
  }
  int pointer(int to) { return check(btf__add_ptr(handle.get(), to)); }
  int typedefOf(const char *name, int to) {
    return check(btf__add_typedef(handle.get(), name, to));
  }
  int constOf(int to) { return check(btf__add_const(handle.get(), to)); }
  int forward(const char *name) { return check(btf__add_fwd(handle.get(), name, BTF_FWD_STRUCT)); }
  int enumeration(const char *name, std::uint32_t bytes,
                  std::initializer_list<Enumerator> enumerators) {
    const int id = check(btf__add_enum(handle.get(), name, bytes));
    for (const Enumerator &e : enumerators)
      check(btf__add_enum_value(handle.get(), e.name, e.value));
    return id;
  }
  int enumeration64(const char *name, std::initializer_list<Enumerator> enumerators) {
    const int id = check(btf__add_enum64(handle.get(), name, 8, false));
    for (const Enumerator &e : enumerators)
      check(btf__add_enum64_value(handle.get(), e.name, std::uint64_t(e.value)));
    return id;
  }

private:
  static int check(int id) {
    REQUIRE(id >= 0);
    return id;
  }
  int composite(int id, std::initializer_list<Member> members) {
    check(id);
    for (const Member &m : members)
      check(btf__add_field(handle.get(), m.name, m.type, m.bitOffset, m.bitSize));
    return id;
  }

  std::unique_ptr<btf, void (*)(btf *)> handle;
};

CoReRecord record(int typeId, CoReKind kind, std::uint32_t insn = 0) {
  return CoReRecord{insn * 8, std::uint32_t(typeId), 0, kind};
}

CoReResolution resolved(const Types &local, const Types &target, int typeId, CoReKind kind,
                        const std::string &access) {
  auto result = resolveCoRe(local.get(), target.get(), record(typeId, kind), access);
  if (!result)
    FAIL("unexpected error: " << result.error().message);
  return *result;
}

std::string resolveError(const Types &local, const Types &target, int typeId, CoReKind kind,
                         const std::string &access) {
  auto result = resolveCoRe(local.get(), target.get(), record(typeId, kind), access);
  REQUIRE_FALSE(result);
  return result.error().message;
}

/// `struct task_struct { int pid; int tgid; }` (8 bytes), as a BPF program declares it.
struct LocalTask {
  Types types;
  int intType = types.integer("int", 4, true);
  int task = types.structure("task_struct", 8, {{"pid", intType, 0}, {"tgid", intType, 32}});
};

/// `struct task_struct { long state; int pid; int tgid; long extra; }` (24 bytes): pid moved
/// from byte 0 to 8, tgid from 4 to 12.
struct TargetTask {
  Types types;
  int intType = types.integer("int", 4, true);
  int longType = types.integer("long", 8, true);
  int task = types.structure("task_struct", 24,
                             {{"state", longType, 0},
                              {"pid", intType, 64},
                              {"tgid", intType, 96},
                              {"extra", longType, 128}});
};

CoReResolution values(std::uint64_t local, std::uint64_t target) {
  CoReResolution resolution;
  resolution.localValue = local;
  resolution.targetValue = target;
  return resolution;
}

RawInstruction poisoned() {
  return RawInstruction::make(0x85, 0, 0, 0, CoRePoisonHelperId);
}

} // namespace

TEST_CASE("CO-RE: a field that moved gets the target's offset") {
  LocalTask local;
  TargetTask target;
  const CoReResolution tgid =
      resolved(local.types, target.types, local.task, CoReKind::FieldByteOffset, "0:1");
  CHECK(tgid.satisfied);
  CHECK(tgid.localValue == 4);
  CHECK(tgid.targetValue == 12);
  CHECK(tgid.checkLocalValue);
  CHECK(tgid.localFieldSize == 4);
  CHECK(tgid.targetFieldSize == 4);
  CHECK_FALSE(tgid.unsafeSizeChange);
  CHECK(tgid.targetTypeId == std::uint32_t(target.task));
  CHECK(tgid.description == "struct task_struct.tgid (0:1) byte offset 4 -> 12");

  const CoReResolution pid =
      resolved(local.types, target.types, local.task, CoReKind::FieldByteOffset, "0:0");
  CHECK(pid.localValue == 0);
  CHECK(pid.targetValue == 8);

  // "1:1" is (&p[1])->tgid: one whole struct further, 8 + 4 locally, 24 + 12 in the target.
  const CoReResolution second =
      resolved(local.types, target.types, local.task, CoReKind::FieldByteOffset, "1:1");
  CHECK(second.localValue == 12);
  CHECK(second.targetValue == 36);
  CHECK(second.description == "struct task_struct[1].tgid (1:1) byte offset 12 -> 36");
}

TEST_CASE("CO-RE: byte size, signedness, existence and shifts of a plain field") {
  LocalTask local;
  TargetTask target;
  auto value = [&](CoReKind kind, const char *access) {
    return resolved(local.types, target.types, local.task, kind, access);
  };
  CHECK(value(CoReKind::FieldByteSize, "0:1").targetValue == 4);
  // "0" is the whole struct: offset 0, size 8 -> 24.
  CHECK(value(CoReKind::FieldByteOffset, "0").targetValue == 0);
  CHECK(value(CoReKind::FieldByteSize, "0").localValue == 8);
  CHECK(value(CoReKind::FieldByteSize, "0").targetValue == 24);
  CHECK(value(CoReKind::FieldSigned, "0:1").localValue == 1);
  CHECK(value(CoReKind::FieldSigned, "0:1").targetValue == 1);
  CHECK(value(CoReKind::FieldExists, "0:1").targetValue == 1);
  // Not a bitfield: the field is its own load unit, 64 - 32 bits either way.
  const CoReResolution left = value(CoReKind::FieldLShiftU64, "0:1");
  CHECK(left.localValue == 32);
  CHECK(left.targetValue == 32);
  CHECK(left.checkLocalValue);
  CHECK(value(CoReKind::FieldRShiftU64, "0:1").targetValue == 32);
}

TEST_CASE("CO-RE: a flavoured local struct matches the plain target name") {
  Types local;
  const int intType = local.integer("int", 4, true);
  const int old =
      local.structure("task_struct___old", 8, {{"pid", intType, 0}, {"tgid", intType, 32}});
  const int underscores = local.structure("task_struct___", 4, {{"pid", intType, 0}});
  const int fourUnderscores = local.structure("task_struct____x", 4, {{"pid", intType, 0}});
  TargetTask target;

  const CoReResolution tgid = resolved(local, target.types, old, CoReKind::FieldByteOffset, "0:1");
  CHECK(tgid.satisfied);
  CHECK(tgid.targetValue == 12);
  CHECK(tgid.targetTypeId == std::uint32_t(target.task));
  // "task_struct___" has nothing after the separator: no flavour, so no candidate.
  CHECK_FALSE(
      resolved(local, target.types, underscores, CoReKind::FieldByteOffset, "0:0").satisfied);
  CHECK(resolved(local, target.types, underscores, CoReKind::TypeExists, "0").targetValue == 0);
  // "____x": the separator is exactly three underscores between non-underscores.
  CHECK(resolved(local, target.types, fourUnderscores, CoReKind::TypeExists, "0").targetValue == 0);
}

TEST_CASE("CO-RE: flavoured target candidates that agree are not ambiguous") {
  LocalTask local;
  Types target;
  const int intType = target.integer("int", 4, true);
  const int longType = target.integer("long", 8, true);
  target.structure("task_struct", 16, {{"pid", intType, 0}, {"tgid", intType, 32}});
  // Same tgid offset, different elsewhere.
  target.structure("task_struct___2", 16,
                   {{"pid", intType, 0}, {"tgid", intType, 32}, {"extra", longType, 64}});
  const CoReResolution tgid =
      resolved(local.types, target, local.task, CoReKind::FieldByteOffset, "0:1");
  CHECK(tgid.satisfied);
  CHECK(tgid.targetValue == 4);
  // pid is at 0 in both as well.
  CHECK(resolved(local.types, target, local.task, CoReKind::FieldByteOffset, "0:0").targetValue ==
        0);
}

TEST_CASE("CO-RE: candidates that disagree are ambiguous") {
  LocalTask local;
  Types target;
  const int intType = target.integer("int", 4, true);
  const int longType = target.integer("long", 8, true);
  const int first =
      target.structure("task_struct", 8, {{"pid", intType, 0}, {"tgid", intType, 32}});
  const int second =
      target.structure("task_struct___v2", 16, {{"state", longType, 0}, {"tgid", intType, 64}});
  // tgid at byte 4 in one, 8 in the other.
  const std::string offsets =
      resolveError(local.types, target, local.task, CoReKind::FieldByteOffset, "0:1");
  CHECK(offsets.find("ambiguous") != std::string::npos);
  CHECK(offsets.find("insn 0") != std::string::npos);
  // pid exists only in the first: one matching candidate, no ambiguity.
  CHECK(resolved(local.types, target, local.task, CoReKind::FieldByteOffset, "0:0").targetValue ==
        0);
  // Both candidates exist, with different ids: the target type id is ambiguous.
  const std::string ids =
      resolveError(local.types, target, local.task, CoReKind::TypeIdTarget, "0");
  CHECK(ids.find("ambiguous") != std::string::npos);
  CHECK(ids.find("[" + std::to_string(first) + "]") != std::string::npos);
  CHECK(ids.find("[" + std::to_string(second) + "]") != std::string::npos);
  // But both are 8 and 16 bytes: the size is ambiguous too.
  CHECK(resolveError(local.types, target, local.task, CoReKind::TypeSize, "0").find("ambiguous") !=
        std::string::npos);
}

TEST_CASE("CO-RE: a candidate cache narrows candidates per local type, as libbpf does") {
  Types local;
  const int intType = local.integer("int", 4, true);
  const int task = local.structure(
      "task_struct", 12, {{"pid", intType, 0}, {"tgid", intType, 32}, {"gone", intType, 64}});
  // Two candidates: only the first has tgid; neither has gone.
  Types target;
  const int targetInt = target.integer("int", 4, true);
  const int full =
      target.structure("task_struct", 16, {{"pid", targetInt, 64}, {"tgid", targetInt, 96}});
  const int partial = target.structure("task_struct___1", 16, {{"pid", targetInt, 64}});
  const CoReRecord typeId = record(task, CoReKind::TypeIdTarget);
  const CoReRecord tgid = record(task, CoReKind::FieldByteOffset);

  // Without history both candidates are compatible types: ambiguous.
  CHECK_FALSE(resolveCoRe(local.get(), target.get(), typeId, "0"));
  CoReCandidateCache cache;
  // A relocation nothing matches leaves the candidates alone...
  auto gone = resolveCoRe(local.get(), target.get(), tgid, "0:2", cache);
  REQUIRE(gone);
  CHECK_FALSE(gone->satisfied);
  REQUIRE(cache.candidates.count(std::uint32_t(task)) == 1);
  CHECK(cache.candidates[std::uint32_t(task)] ==
        std::vector<std::uint32_t>{std::uint32_t(full), std::uint32_t(partial)});
  CHECK_FALSE(resolveCoRe(local.get(), target.get(), typeId, "0", cache));
  // ...one that matches keeps only the candidates it matched.
  auto offset = resolveCoRe(local.get(), target.get(), tgid, "0:1", cache);
  REQUIRE(offset);
  CHECK(offset->targetValue == 12);
  CHECK(cache.candidates[std::uint32_t(task)] == std::vector<std::uint32_t>{std::uint32_t(full)});
  auto narrowed = resolveCoRe(local.get(), target.get(), typeId, "0", cache);
  REQUIRE(narrowed);
  CHECK(narrowed->targetValue == std::uint32_t(full));
}

TEST_CASE("CO-RE: a missing field poisons, and its existence is 0") {
  Types local;
  const int intType = local.integer("int", 4, true);
  const int sample = local.structure("sample", 8, {{"a", intType, 0}, {"gone", intType, 32}});
  Types target;
  const int targetInt = target.integer("int", 4, true);
  const int targetLong = target.integer("long", 8, true);
  target.structure("sample", 16, {{"a", targetInt, 0}, {"other", targetLong, 64}});

  const CoReResolution offset = resolved(local, target, sample, CoReKind::FieldByteOffset, "0:1");
  CHECK_FALSE(offset.satisfied);
  CHECK(offset.localValue == 4);
  CHECK(offset.description ==
        "struct sample.gone (0:1) byte offset 4 -> not found in the target (poisoned)");
  CHECK_FALSE(resolved(local, target, sample, CoReKind::FieldByteSize, "0:1").satisfied);
  CHECK_FALSE(resolved(local, target, sample, CoReKind::FieldLShiftU64, "0:1").satisfied);

  const CoReResolution exists = resolved(local, target, sample, CoReKind::FieldExists, "0:1");
  CHECK(exists.satisfied);
  CHECK(exists.localValue == 1);
  CHECK(exists.targetValue == 0);
  CHECK(resolved(local, target, sample, CoReKind::FieldExists, "0:0").targetValue == 1);
}

TEST_CASE("CO-RE: a same-named field of an incompatible kind is not a match") {
  Types local;
  const int intType = local.integer("int", 4, true);
  const int sample = local.structure("sample", 8, {{"a", intType, 0}, {"b", intType, 32}});
  Types target;
  const int targetInt = target.integer("int", 4, true);
  const int inner = target.structure("inner", 4, {{"x", targetInt, 0}});
  const int pointer = target.pointer(targetInt);
  target.structure("sample", 16, {{"a", inner, 0}, {"b", pointer, 64}});
  // int vs struct, int vs pointer: kinds differ.
  CHECK_FALSE(resolved(local, target, sample, CoReKind::FieldByteOffset, "0:0").satisfied);
  CHECK(resolved(local, target, sample, CoReKind::FieldExists, "0:1").targetValue == 0);
}

TEST_CASE("CO-RE: integers of any size and signedness are compatible fields") {
  Types local;
  const int intType = local.integer("int", 4, true);
  const int unsignedInt = local.integer("unsigned int", 4, false);
  const int sample = local.structure("sample", 8, {{"s", intType, 0}, {"u", unsignedInt, 32}});
  Types target;
  const int targetLong = target.integer("long", 8, true);
  const int targetULong = target.integer("unsigned long", 8, false);
  const int targetConst = target.constOf(targetULong);
  const int targetTypedef = target.typedefOf("u64", targetConst);
  target.structure("sample", 16, {{"s", targetLong, 0}, {"u", targetTypedef, 64}});

  // u: unsigned 4 bytes at 4 -> const u64 (unsigned 8 bytes) at 8: a safe width change.
  const CoReResolution u = resolved(local, target, sample, CoReKind::FieldByteOffset, "0:1");
  CHECK(u.satisfied);
  CHECK(u.targetValue == 8);
  CHECK(u.localFieldSize == 4);
  CHECK(u.targetFieldSize == 8);
  CHECK_FALSE(u.unsafeSizeChange);
  CHECK(resolved(local, target, sample, CoReKind::FieldSigned, "0:1").targetValue == 0);
  // s: signed 4 bytes -> signed 8 bytes: a load cannot just widen.
  const CoReResolution s = resolved(local, target, sample, CoReKind::FieldByteOffset, "0:0");
  CHECK(s.satisfied);
  CHECK(s.targetValue == 0);
  CHECK(s.unsafeSizeChange);
  CHECK(resolved(local, target, sample, CoReKind::FieldByteSize, "0:0").targetValue == 8);
}

TEST_CASE("CO-RE: members of anonymous unions and structs are found by name") {
  // local: struct sample { int x; union { int a; long b; }; }   (16 bytes)
  Types local;
  const int intType = local.integer("int", 4, true);
  const int longType = local.integer("long", 8, true);
  const int anonymousUnion = local.unionOf("", 8, {{"a", intType, 0}, {"b", longType, 0}});
  const int sample = local.structure("sample", 16, {{"x", intType, 0}, {"", anonymousUnion, 64}});
  // target: struct sample { long y; struct { long pad; union { long b; int a; }; }; int x; }
  // the anonymous struct is at byte 8, its union at byte 8 within it: a and b at 16; x at 24.
  Types target;
  const int targetInt = target.integer("int", 4, true);
  const int targetLong = target.integer("long", 8, true);
  const int targetUnion = target.unionOf("", 8, {{"b", targetLong, 0}, {"a", targetInt, 0}});
  const int targetStruct =
      target.structure("", 16, {{"pad", targetLong, 0}, {"", targetUnion, 64}});
  target.structure("sample", 32,
                   {{"y", targetLong, 0}, {"", targetStruct, 64}, {"x", targetInt, 192}});

  const CoReResolution b = resolved(local, target, sample, CoReKind::FieldByteOffset, "0:1:1");
  CHECK(b.localValue == 8);
  CHECK(b.targetValue == 16);
  CHECK(b.description == "struct sample.b (0:1:1) byte offset 8 -> 16");
  const CoReResolution a = resolved(local, target, sample, CoReKind::FieldByteOffset, "0:1:0");
  CHECK(a.localValue == 8);
  CHECK(a.targetValue == 16);
  CHECK(resolved(local, target, sample, CoReKind::FieldByteSize, "0:1:0").targetValue == 4);
  CHECK(resolved(local, target, sample, CoReKind::FieldByteSize, "0:1:1").targetValue == 8);
  CHECK(resolved(local, target, sample, CoReKind::FieldByteOffset, "0:0").targetValue == 24);
}

TEST_CASE("CO-RE: array elements, bounds and flexible arrays") {
  // local: struct arrs { int hdr; int vals[4]; }   vals[2] at 4 + 2 * 4 = 12
  Types local;
  const int intType = local.integer("int", 4, true);
  const int four = local.array(intType, 4);
  const int arrs = local.structure("arrs", 20, {{"hdr", intType, 0}, {"vals", four, 32}});

  SUBCASE("a longer array further in") {
    // target: struct arrs { long hdr; int flag; int vals[8]; }   vals[2] at 12 + 8 = 20
    Types target;
    const int targetInt = target.integer("int", 4, true);
    const int targetLong = target.integer("long", 8, true);
    const int eight = target.array(targetInt, 8);
    target.structure("arrs", 48,
                     {{"hdr", targetLong, 0}, {"flag", targetInt, 64}, {"vals", eight, 96}});
    const CoReResolution element =
        resolved(local, target, arrs, CoReKind::FieldByteOffset, "0:1:2");
    CHECK(element.localValue == 12);
    CHECK(element.targetValue == 20);
    CHECK(element.localFieldSize == 4);
    CHECK(element.targetFieldSize == 4);
    CHECK(element.description == "struct arrs.vals[2] (0:1:2) byte offset 12 -> 20");
    CHECK(resolved(local, target, arrs, CoReKind::FieldByteSize, "0:1:2").targetValue == 4);
    // The whole array: 16 -> 32 bytes at 4 -> 12.
    CHECK(resolved(local, target, arrs, CoReKind::FieldByteSize, "0:1").targetValue == 32);
    CHECK(resolved(local, target, arrs, CoReKind::FieldByteOffset, "0:1").targetValue == 12);
    // Shifts and signedness do not apply to an array element.
    const std::string error = resolveError(local, target, arrs, CoReKind::FieldSigned, "0:1:2");
    CHECK(error.find("array element") != std::string::npos);
  }
  SUBCASE("an index beyond the target's bound") {
    Types target;
    const int targetInt = target.integer("int", 4, true);
    const int two = target.array(targetInt, 2);
    target.structure("arrs", 12, {{"hdr", targetInt, 0}, {"vals", two, 32}});
    CHECK_FALSE(resolved(local, target, arrs, CoReKind::FieldByteOffset, "0:1:2").satisfied);
    CHECK(resolved(local, target, arrs, CoReKind::FieldByteOffset, "0:1:1").targetValue == 8);
  }
  SUBCASE("a flexible array in the target accepts any index") {
    // struct arrs { long hdr; int flag; int vals[]; }   vals[2] at 12 + 8 = 20
    Types target;
    const int targetInt = target.integer("int", 4, true);
    const int targetLong = target.integer("long", 8, true);
    const int flexible = target.array(targetInt, 0);
    target.structure("arrs", 16,
                     {{"hdr", targetLong, 0}, {"flag", targetInt, 64}, {"vals", flexible, 96}});
    CHECK(resolved(local, target, arrs, CoReKind::FieldByteOffset, "0:1:2").targetValue == 20);
  }
  SUBCASE("a zero-length array that is not last is not flexible") {
    Types target;
    const int targetInt = target.integer("int", 4, true);
    const int empty = target.array(targetInt, 0);
    target.structure("arrs", 8, {{"vals", empty, 0}, {"hdr", targetInt, 0}});
    CHECK_FALSE(resolved(local, target, arrs, CoReKind::FieldByteOffset, "0:1:0").satisfied);
  }
  SUBCASE("an index beyond the local bound is malformed") {
    TargetTask target;
    CHECK(resolveError(local, target.types, arrs, CoReKind::FieldByteOffset, "0:1:4")
              .find("array of 4") != std::string::npos);
  }
}

TEST_CASE("CO-RE: a local flexible array and a two-dimensional array") {
  // local: struct grid { int n; int cells[2][3]; int tail[]; }
  Types local;
  const int intType = local.integer("int", 4, true);
  const int row = local.array(intType, 3);
  const int rows = local.array(row, 2);
  const int tail = local.array(intType, 0);
  const int grid =
      local.structure("grid", 28, {{"n", intType, 0}, {"cells", rows, 32}, {"tail", tail, 224}});
  // target: struct grid { long n; int cells[2][3]; int tail[]; }: cells at 8, tail at 32
  Types target;
  const int targetInt = target.integer("int", 4, true);
  const int targetLong = target.integer("long", 8, true);
  const int targetRow = target.array(targetInt, 3);
  const int targetRows = target.array(targetRow, 2);
  const int targetTail = target.array(targetInt, 0);
  target.structure("grid", 32,
                   {{"n", targetLong, 0}, {"cells", targetRows, 64}, {"tail", targetTail, 256}});
  // cells[1][2]: 4 + (1 * 3 + 2) * 4 = 24 locally, 8 + 20 = 28 in the target.
  const CoReResolution cell = resolved(local, target, grid, CoReKind::FieldByteOffset, "0:1:1:2");
  CHECK(cell.localValue == 24);
  CHECK(cell.targetValue == 28);
  // cells[1] is a row of 12 bytes.
  CHECK(resolved(local, target, grid, CoReKind::FieldByteSize, "0:1:1").targetValue == 12);
  // tail[5]: 28 + 20 = 48 locally, 32 + 20 = 52 in the target.
  const CoReResolution flexible = resolved(local, target, grid, CoReKind::FieldByteOffset, "0:2:5");
  CHECK(flexible.localValue == 48);
  CHECK(flexible.targetValue == 52);
}

TEST_CASE("CO-RE: bitfields use the containing load unit") {
  // local: struct flags { unsigned a:3; unsigned b:5; int c:10; }   (4 bytes)
  //   a: bits 0..2   -> unit bytes 0..3, lshift 64 - 3 = 61, rshift 64 - 3 = 61
  //   b: bits 3..7   -> unit bytes 0..3, lshift 64 - 8 = 56, rshift 59
  //   c: bits 8..17  -> unit bytes 0..3, lshift 64 - 18 = 46, rshift 54, signed
  Types local;
  const int unsignedInt = local.integer("unsigned int", 4, false);
  const int intType = local.integer("int", 4, true);
  const int flags = local.structure(
      "flags", 4, {{"a", unsignedInt, 0, 3}, {"b", unsignedInt, 3, 5}, {"c", intType, 8, 10}});
  // target: struct flags { unsigned pad:30; unsigned b:5; int c:10 (bit 44); unsigned a:3 (bit 54);
  // }
  //   b: bits 30..34 cross the 4-byte unit at 0, so the unit doubles: 8 bytes at 0,
  //      lshift 64 - 35 = 29, rshift 59
  //   c: bits 44..53: 4-byte unit at 44 / 8 / 4 * 4 = 4, lshift 64 - (54 - 32) = 42
  //   a: bits 54..56: 4-byte unit at 4, lshift 64 - (57 - 32) = 39, rshift 61
  Types target;
  const int targetUnsigned = target.integer("unsigned int", 4, false);
  const int targetInt = target.integer("int", 4, true);
  target.structure("flags", 8,
                   {{"pad", targetUnsigned, 0, 30},
                    {"b", targetUnsigned, 30, 5},
                    {"c", targetInt, 44, 10},
                    {"a", targetUnsigned, 54, 3}});
  auto value = [&](CoReKind kind, const char *access) {
    return resolved(local, target, flags, kind, access);
  };

  const CoReResolution bOffset = value(CoReKind::FieldByteOffset, "0:1");
  CHECK(bOffset.localValue == 0);
  CHECK(bOffset.targetValue == 0);
  CHECK_FALSE(bOffset.checkLocalValue); // the compiler may choose another unit
  CHECK(bOffset.targetFieldSize == 0);  // a bitfield's width never changes a load
  const CoReResolution bSize = value(CoReKind::FieldByteSize, "0:1");
  CHECK(bSize.localValue == 4);
  CHECK(bSize.targetValue == 8);
  const CoReResolution bLeft = value(CoReKind::FieldLShiftU64, "0:1");
  CHECK(bLeft.localValue == 56);
  CHECK(bLeft.targetValue == 29);
  CHECK_FALSE(bLeft.checkLocalValue);
  const CoReResolution bRight = value(CoReKind::FieldRShiftU64, "0:1");
  CHECK(bRight.localValue == 59);
  CHECK(bRight.targetValue == 59);
  CHECK(bRight.checkLocalValue); // the right shift is never ambiguous
  CHECK(value(CoReKind::FieldSigned, "0:1").targetValue == 0);

  CHECK(value(CoReKind::FieldByteOffset, "0:2").targetValue == 4);
  CHECK(value(CoReKind::FieldByteSize, "0:2").targetValue == 4);
  CHECK(value(CoReKind::FieldLShiftU64, "0:2").localValue == 46);
  CHECK(value(CoReKind::FieldLShiftU64, "0:2").targetValue == 42);
  CHECK(value(CoReKind::FieldRShiftU64, "0:2").targetValue == 54);
  const CoReResolution cSigned = value(CoReKind::FieldSigned, "0:2");
  CHECK(cSigned.localValue == 1);
  CHECK(cSigned.targetValue == 1);
  CHECK(cSigned.checkLocalValue);

  CHECK(value(CoReKind::FieldLShiftU64, "0:0").localValue == 61);
  CHECK(value(CoReKind::FieldLShiftU64, "0:0").targetValue == 39);
  CHECK(value(CoReKind::FieldRShiftU64, "0:0").targetValue == 61);
  CHECK(value(CoReKind::FieldByteOffset, "0:0").targetValue == 4);
}

TEST_CASE("CO-RE: a bitfield no 64-bit load can hold is an error") {
  Types local;
  const int unsignedInt = local.integer("unsigned int", 4, false);
  const int flags = local.structure("flags", 4, {{"a", unsignedInt, 0, 3}});
  // bits 60..69 of an unsigned long: the 8-byte unit at 0 ends at bit 64.
  Types target;
  const int targetULong = target.integer("unsigned long", 8, false);
  target.structure("flags", 16, {{"a", targetULong, 60, 10}});
  const std::string error = resolveError(local, target, flags, CoReKind::FieldLShiftU64, "0:0");
  CHECK(error.find("64-bit load") != std::string::npos);
}

TEST_CASE("CO-RE: the kernel selftests' core_reloc_bitfields against its ___bit_sz_change") {
  // progs/verifier_bitfield_write.c relocates against progs/core_reloc_types.h; byte units of
  // 1, 2 and 4 bytes behind typedefs, signed 1-byte units. All six field kinds of every field
  // agree with libbpf 1.1 given the selftests' btf__core_reloc_bitfields___bit_sz_change.bpf.o
  // as btf_custom_path.
  // local: struct core_reloc_bitfields (16 bytes)
  //   uint8_t ub1:1   bit 0       unit u8 at 0:  lshift 64 - 1 = 63, rshift 63
  //   uint8_t ub2:2   bits 1..2   unit u8 at 0:  lshift 64 - 3 = 61, rshift 62
  //   uint32_t ub7:7  bits 3..9   unit u32 at 0: lshift 64 - 10 = 54, rshift 57
  //   int8_t sb4:4    bits 10..13 unit s8 at 1:  lshift 64 - (14 - 8) = 58, rshift 60
  //   int32_t sb20:20 bits 32..51 unit s32 at 4: lshift 64 - (52 - 32) = 44, rshift 44
  //   uint32_t u32    byte 8:  lshift = rshift = 64 - 32 = 32
  //   int32_t s32     byte 12: lshift = rshift = 32
  Types local;
  const int localU8 = local.typedefOf("uint8_t", local.integer("unsigned char", 1, false));
  const int localU32 = local.typedefOf("uint32_t", local.integer("unsigned int", 4, false));
  const int localS8 = local.typedefOf("int8_t", local.integer("signed char", 1, true));
  const int localS32 = local.typedefOf("int32_t", local.integer("int", 4, true));
  const int bitfields = local.structure("core_reloc_bitfields", 16,
                                        {{"ub1", localU8, 0, 1},
                                         {"ub2", localU8, 1, 2},
                                         {"ub7", localU32, 3, 7},
                                         {"sb4", localS8, 10, 4},
                                         {"sb20", localS32, 32, 20},
                                         {"u32", localU32, 64},
                                         {"s32", localS32, 96}});
  // target: struct core_reloc_bitfields___bit_sz_change (24 bytes)
  //   uint16_t ub1:3   bits 0..2   unit u16 at 0: lshift 64 - 3 = 61, rshift 61
  //   uint32_t ub2:20  bits 3..22  unit u32 at 0: lshift 64 - 23 = 41, rshift 44
  //   uint8_t ub7:1    bit 23      unit u8 at 23 / 8 = 2: lshift 64 - (24 - 16) = 56, rshift 63
  //   int8_t sb4:1     bit 24      unit s8 at 3: lshift 64 - (25 - 24) = 63, rshift 63
  //   int32_t sb20:30  bits 32..61 unit s32 at 4: lshift 64 - (62 - 32) = 34, rshift 34
  //   uint16_t u32     byte 8 (4 -> 2 bytes, unsigned: the load narrows), shifts 64 - 16 = 48
  //   int64_t s32      byte 16 (4 -> 8 bytes, signed: no load can simply widen), shifts 0
  Types target;
  const int targetU8 = target.typedefOf("uint8_t", target.integer("unsigned char", 1, false));
  const int targetU16 = target.typedefOf("uint16_t", target.integer("unsigned short", 2, false));
  const int targetU32 = target.typedefOf("uint32_t", target.integer("unsigned int", 4, false));
  const int targetS8 = target.typedefOf("int8_t", target.integer("signed char", 1, true));
  const int targetS32 = target.typedefOf("int32_t", target.integer("int", 4, true));
  const int targetS64 = target.typedefOf("int64_t", target.integer("long", 8, true));
  target.structure("core_reloc_bitfields___bit_sz_change", 24,
                   {{"ub1", targetU16, 0, 3},
                    {"ub2", targetU32, 3, 20},
                    {"ub7", targetU8, 23, 1},
                    {"sb4", targetS8, 24, 1},
                    {"sb20", targetS32, 32, 30},
                    {"u32", targetU16, 64},
                    {"s32", targetS64, 128}});
  struct FieldValues {
    const char *access;
    std::uint64_t localOffset, targetOffset, localSize, targetSize;
    std::uint64_t localLeft, targetLeft, localRight, targetRight;
    bool isSigned;
  };
  const FieldValues fields[] = {
      {"0:0", 0, 0, 1, 2, 63, 61, 63, 61, false}, {"0:1", 0, 0, 1, 4, 61, 41, 62, 44, false},
      {"0:2", 0, 2, 4, 1, 54, 56, 57, 63, false}, {"0:3", 1, 3, 1, 1, 58, 63, 60, 63, true},
      {"0:4", 4, 4, 4, 4, 44, 34, 44, 34, true},  {"0:5", 8, 8, 4, 2, 32, 48, 32, 48, false},
      {"0:6", 12, 16, 4, 8, 32, 0, 32, 0, true},
  };
  for (const FieldValues &field : fields) {
    CAPTURE(field.access);
    auto value = [&](CoReKind kind) {
      return resolved(local, target, bitfields, kind, field.access);
    };
    const CoReResolution offset = value(CoReKind::FieldByteOffset);
    CHECK(offset.localValue == field.localOffset);
    CHECK(offset.targetValue == field.targetOffset);
    const CoReResolution size = value(CoReKind::FieldByteSize);
    CHECK(size.localValue == field.localSize);
    CHECK(size.targetValue == field.targetSize);
    const CoReResolution left = value(CoReKind::FieldLShiftU64);
    CHECK(left.localValue == field.localLeft);
    CHECK(left.targetValue == field.targetLeft);
    const CoReResolution right = value(CoReKind::FieldRShiftU64);
    CHECK(right.localValue == field.localRight);
    CHECK(right.targetValue == field.targetRight);
    CHECK(right.checkLocalValue);
    const CoReResolution sign = value(CoReKind::FieldSigned);
    CHECK(sign.localValue == std::uint64_t(field.isSigned));
    CHECK(sign.targetValue == std::uint64_t(field.isSigned));
    const CoReResolution exists = value(CoReKind::FieldExists);
    CHECK(exists.localValue == 1);
    CHECK(exists.targetValue == 1);
  }
  // Bitfields: the compiler may pick another unit, and a load's width never changes.
  const CoReResolution ub7 = resolved(local, target, bitfields, CoReKind::FieldByteOffset, "0:2");
  CHECK_FALSE(ub7.checkLocalValue);
  CHECK(ub7.localFieldSize == 0);
  CHECK(ub7.targetFieldSize == 0);
  // Plain fields: the load follows the field's size when that is safe.
  const CoReResolution u32 = resolved(local, target, bitfields, CoReKind::FieldByteOffset, "0:5");
  CHECK(u32.checkLocalValue);
  CHECK(u32.localFieldSize == 4);
  CHECK(u32.targetFieldSize == 2);
  CHECK_FALSE(u32.unsafeSizeChange);
  const CoReResolution s32 = resolved(local, target, bitfields, CoReKind::FieldByteOffset, "0:6");
  CHECK(s32.targetFieldSize == 8);
  CHECK(s32.unsafeSizeChange);
}

TEST_CASE("CO-RE: enumerator values by essential name") {
  Types local;
  const int state = local.enumeration(
      "state", 4, {{"RUNNING", 0}, {"SLEEPING", 1}, {"ZOMBIE___v1", 4}, {"GONE", 7}});
  Types target;
  target.enumeration("state", 4, {{"SLEEPING", 2}, {"RUNNING", 0}, {"ZOMBIE", 16}, {"DEAD", 32}});

  const CoReResolution sleeping = resolved(local, target, state, CoReKind::EnumValue, "1");
  CHECK(sleeping.localValue == 1);
  CHECK(sleeping.targetValue == 2);
  CHECK(sleeping.description == "enum state::SLEEPING enumerator value 1 -> 2");
  const CoReResolution zombie = resolved(local, target, state, CoReKind::EnumValue, "2");
  CHECK(zombie.localValue == 4);
  CHECK(zombie.targetValue == 16);
  CHECK(resolved(local, target, state, CoReKind::EnumValueExists, "0").targetValue == 1);

  const CoReResolution goneExists = resolved(local, target, state, CoReKind::EnumValueExists, "3");
  CHECK(goneExists.satisfied);
  CHECK(goneExists.localValue == 1);
  CHECK(goneExists.targetValue == 0);
  const CoReResolution gone = resolved(local, target, state, CoReKind::EnumValue, "3");
  CHECK_FALSE(gone.satisfied);
  CHECK(gone.localValue == 7);

  CHECK(resolveError(local, target, state, CoReKind::EnumValue, "4").find("4 enumerators") !=
        std::string::npos);
  CHECK(resolveError(local, target, state, CoReKind::EnumValue, "0:1").find("access string") !=
        std::string::npos);
}

TEST_CASE("CO-RE: enum64 values, enum against enum64, and sign extension") {
  Types local;
  const int big = local.enumeration64("big", {{"HUGE", std::int64_t(1) << 40}});
  const int state = local.enumeration("state", 4, {{"RUNNING", 0}, {"SLEEPING", 1}});
  const int sign = local.enumeration("sign", 4, {{"NEG", -1}});
  Types target;
  target.enumeration64("big", {{"OTHER", 3}, {"HUGE", (std::int64_t(1) << 41) + 5}});
  target.enumeration64("state", {{"SLEEPING", std::int64_t(1) << 33}, {"RUNNING", 0}});
  target.enumeration("sign", 4, {{"NEG", -2}});

  const CoReResolution huge = resolved(local, target, big, CoReKind::EnumValue, "0");
  CHECK(huge.localValue == std::uint64_t(1) << 40);
  CHECK(huge.targetValue == (std::uint64_t(1) << 41) + 5);
  // A 4-byte enum finds its enumerators in an 8-byte enum64 of the same name.
  CHECK(resolved(local, target, state, CoReKind::EnumValue, "1").targetValue == std::uint64_t(1)
                                                                                    << 33);
  // 32-bit enumerator values are sign-extended to 64 bits.
  const CoReResolution negative = resolved(local, target, sign, CoReKind::EnumValue, "0");
  CHECK(negative.localValue == ~std::uint64_t(0));
  CHECK(negative.targetValue == ~std::uint64_t(0) - 1);
}

TEST_CASE("CO-RE: type id, existence and size") {
  Types local;
  const int intType = local.integer("int", 4, true);
  const int task = local.structure("task_struct", 8, {{"pid", intType, 0}, {"tgid", intType, 32}});
  const int pid = local.typedefOf("pid_t", intType);
  const int missing = local.structure("missing_t", 4, {{"x", intType, 0}});
  TargetTask target;
  const int targetPid = target.types.typedefOf("pid_t", target.longType);

  const CoReResolution size = resolved(local, target.types, task, CoReKind::TypeSize, "0");
  CHECK(size.localValue == 8);
  CHECK(size.targetValue == 24);
  CHECK(size.description == "struct task_struct type size 8 -> 24");
  // A typedef is a candidate by its own name; its size is the aliased type's.
  CHECK(resolved(local, target.types, pid, CoReKind::TypeSize, "0").localValue == 4);
  CHECK(resolved(local, target.types, pid, CoReKind::TypeSize, "0").targetValue == 8);
  CHECK(resolved(local, target.types, task, CoReKind::TypeExists, "0").targetValue == 1);

  // A missing type: 0, never poison.
  const CoReResolution gone = resolved(local, target.types, missing, CoReKind::TypeExists, "0");
  CHECK(gone.satisfied);
  CHECK(gone.localValue == 1);
  CHECK(gone.targetValue == 0);
  const CoReResolution goneSize = resolved(local, target.types, missing, CoReKind::TypeSize, "0");
  CHECK(goneSize.satisfied);
  CHECK(goneSize.localValue == 4);
  CHECK(goneSize.targetValue == 0);

  const CoReResolution localId = resolved(local, target.types, task, CoReKind::TypeIdLocal, "0");
  CHECK(localId.localValue == std::uint32_t(task));
  CHECK(localId.targetValue == std::uint32_t(task));
  CHECK_FALSE(localId.checkLocalValue);
  const CoReResolution targetId = resolved(local, target.types, pid, CoReKind::TypeIdTarget, "0");
  CHECK(targetId.localValue == std::uint32_t(pid));
  CHECK(targetId.targetValue == std::uint32_t(targetPid));
  CHECK_FALSE(targetId.checkLocalValue);
  CHECK(resolved(local, target.types, missing, CoReKind::TypeIdTarget, "0").targetValue == 0);
}

TEST_CASE("CO-RE: type matches is stricter than type exists") {
  // local: struct m { int a; long *p; }
  Types local;
  const int intType = local.integer("int", 4, true);
  const int longType = local.integer("long", 8, true);
  const int longPointer = local.pointer(longType);
  const int m = local.structure("m", 16, {{"a", intType, 0}, {"p", longPointer, 64}});
  auto matches = [&](const Types &target) {
    return resolved(local, target, m, CoReKind::TypeMatches, "0").targetValue;
  };
  auto exists = [&](const Types &target) {
    return resolved(local, target, m, CoReKind::TypeExists, "0").targetValue;
  };

  SUBCASE("extra members and other offsets still match") {
    Types target;
    const int targetInt = target.integer("int", 4, true);
    const int targetLong = target.integer("long", 8, true);
    const int targetPointer = target.pointer(targetLong);
    target.structure("m", 24,
                     {{"x", targetLong, 0}, {"p", targetPointer, 64}, {"a", targetInt, 128}});
    CHECK(matches(target) == 1);
    CHECK(resolved(local, target, m, CoReKind::TypeMatches, "0").localValue == 1);
  }
  // Names count too (after typedefs are skipped): an "unsigned int" never matches an "int".
  // The next two targets keep the name "int" to isolate signedness and size.
  SUBCASE("an int of other signedness does not match, but exists") {
    Types target;
    const int targetUnsigned = target.integer("int", 4, false);
    const int targetLong = target.integer("long", 8, true);
    const int targetPointer = target.pointer(targetLong);
    target.structure("m", 16, {{"a", targetUnsigned, 0}, {"p", targetPointer, 64}});
    CHECK(matches(target) == 0);
    CHECK(exists(target) == 1);
  }
  SUBCASE("an int of another size does not match") {
    Types target;
    const int wideInt = target.integer("int", 8, true);
    const int targetLong = target.integer("long", 8, true);
    const int targetPointer = target.pointer(targetLong);
    target.structure("m", 16, {{"a", wideInt, 0}, {"p", targetPointer, 64}});
    CHECK(matches(target) == 0);
  }
  SUBCASE("a pointer to an int of another name does not match") {
    Types target;
    const int targetInt = target.integer("int", 4, true);
    const int targetULong = target.integer("unsigned long", 8, false);
    const int targetPointer = target.pointer(targetULong);
    target.structure("m", 16, {{"a", targetInt, 0}, {"p", targetPointer, 64}});
    CHECK(matches(target) == 0);
  }
  SUBCASE("a missing member does not match") {
    Types target;
    const int targetInt = target.integer("int", 4, true);
    target.structure("m", 8, {{"a", targetInt, 0}, {"q", targetInt, 32}});
    CHECK(matches(target) == 0);
    CHECK(exists(target) == 1);
  }
  SUBCASE("a union of the same name exists as no struct") {
    Types target;
    const int targetInt = target.integer("int", 4, true);
    target.unionOf("m", 4, {{"a", targetInt, 0}});
    CHECK(exists(target) == 0);
    CHECK(matches(target) == 0);
  }
}

TEST_CASE("CO-RE: type matches behind pointers and on enums") {
  // local: struct inner { int x; }; struct outer { struct inner *in; }; enum e { A, B };
  Types local;
  const int intType = local.integer("int", 4, true);
  const int inner = local.structure("inner", 4, {{"x", intType, 0}});
  const int innerPointer = local.pointer(inner);
  const int outer = local.structure("outer", 8, {{"in", innerPointer, 0}});
  const int e = local.enumeration("e", 4, {{"A", 0}, {"B", 1}});

  // Behind a pointer only the name and kind matter: a forward declaration will do.
  Types declared;
  const int forward = declared.forward("inner");
  const int forwardPointer = declared.pointer(forward);
  declared.structure("outer", 8, {{"in", forwardPointer, 0}});
  declared.enumeration("e", 4, {{"B", 5}, {"C", 6}, {"A___x", 7}});
  CHECK(resolved(local, declared, outer, CoReKind::TypeMatches, "0").targetValue == 1);
  // Enumerators match by essential name, not value; extra target enumerators are fine.
  CHECK(resolved(local, declared, e, CoReKind::TypeMatches, "0").targetValue == 1);

  Types other;
  const int otherInt = other.integer("int", 4, true);
  const int notInner = other.structure("not_inner", 4, {{"x", otherInt, 0}});
  const int notInnerPointer = other.pointer(notInner);
  other.structure("outer", 8, {{"in", notInnerPointer, 0}});
  other.enumeration("e", 4, {{"A", 0}}); // B is missing
  CHECK(resolved(local, other, outer, CoReKind::TypeMatches, "0").targetValue == 0);
  CHECK(resolved(local, other, e, CoReKind::TypeMatches, "0").targetValue == 0);
  CHECK(resolved(local, other, e, CoReKind::TypeExists, "0").targetValue == 1);

  Types renamed;
  renamed.enumeration("e", 4, {{"A", 0}, {"C", 1}, {"D", 2}}); // B renamed
  CHECK(resolved(local, renamed, e, CoReKind::TypeMatches, "0").targetValue == 0);
  Types wider;
  wider.enumeration64("e", {{"A", 0}, {"B", 1}}); // 8 bytes: sizes differ
  CHECK(resolved(local, wider, e, CoReKind::TypeMatches, "0").targetValue == 0);
  CHECK(resolved(local, wider, e, CoReKind::TypeExists, "0").targetValue == 1);
}

TEST_CASE("CO-RE: malformed access strings and records are errors") {
  LocalTask local;
  TargetTask target;
  auto error = [&](const char *access) {
    return resolveError(local.types, target.types, local.task, CoReKind::FieldByteOffset, access);
  };
  for (const char *access : {"", ":0", "0:", "a", "0::1", "-1", "0:x", "0 ", "+0", "2147483648"}) {
    CAPTURE(access);
    const std::string message = error(access);
    CHECK(message.find("access string") != std::string::npos);
    CHECK(message.find("CO-RE relocation at insn 0") != std::string::npos);
  }
  CHECK(error("0:2").find("member 2 of a type with 2 members") != std::string::npos);
  CHECK(error("0:0:0").find("neither a struct, a union nor an array") != std::string::npos);
  std::string tooLong = "0";
  for (int i = 0; i < 64; ++i)
    tooLong += ":0";
  CHECK(error(tooLong.c_str()).find("more than 64 indices") != std::string::npos);

  // Type relocations take exactly "0".
  CHECK(resolveError(local.types, target.types, local.task, CoReKind::TypeSize, "1")
            .find("must be \"0\"") != std::string::npos);
  CHECK(resolveError(local.types, target.types, local.task, CoReKind::TypeExists, "0:0")
            .find("must be \"0\"") != std::string::npos);
  // Enumerator relocations need an enum.
  CHECK(resolveError(local.types, target.types, local.task, CoReKind::EnumValue, "0")
            .find("needs an enum") != std::string::npos);

  CHECK(resolveError(local.types, target.types, 99, CoReKind::FieldByteOffset, "0")
            .find("no type [99]") != std::string::npos);
  CHECK(resolveError(local.types, target.types, local.task, CoReKind(42), "0")
            .find("unknown relocation kind 42") != std::string::npos);
  auto located = resolveCoRe(local.types.get(), target.types.get(),
                             record(local.task, CoReKind::FieldByteOffset, 7), "0:9");
  REQUIRE_FALSE(located);
  CHECK(located.error().message.find("CO-RE relocation at insn 7 (byte offset, type [" +
                                     std::to_string(local.task) +
                                     "] task_struct, access \"0:9\")") == 0);

  Types anonymous;
  const int intType = anonymous.integer("int", 4, true);
  const int unnamed = anonymous.structure("", 4, {{"x", intType, 0}});
  CHECK(resolveError(anonymous, target.types, unnamed, CoReKind::FieldByteOffset, "0:0")
            .find("anonymous") != std::string::npos);
  // A local type id needs no name and no target.
  CHECK(resolved(anonymous, target.types, unnamed, CoReKind::TypeIdLocal, "0").targetValue ==
        std::uint32_t(unnamed));
}

TEST_CASE("CO-RE patching: ALU immediates") {
  const CoReRecord offsetRecord = record(1, CoReKind::FieldByteOffset);
  SUBCASE("add and mov, 64 and 32 bits") {
    std::vector<RawInstruction> code = {RawInstruction::make(0x07, 1, 0, 0, 4),  // r1 += 4
                                        RawInstruction::make(0xb4, 2, 0, 0, 4)}; // w2 = 4
    REQUIRE(patchCoRe(code, 0, offsetRecord, values(4, 12)));
    REQUIRE(patchCoRe(code, 1, offsetRecord, values(4, 12)));
    CHECK(code[0] == RawInstruction::make(0x07, 1, 0, 0, 12));
    CHECK(code[1] == RawInstruction::make(0xb4, 2, 0, 0, 12));
  }
  SUBCASE("the immediate must hold the local value") {
    std::vector<RawInstruction> code = {RawInstruction::make(0x07, 1, 0, 0, 5)};
    auto result = patchCoRe(code, 0, offsetRecord, values(4, 12));
    REQUIRE_FALSE(result);
    CHECK(result.error().message ==
          "CO-RE relocation at insn 0: instruction holds 5, expected local value 4");
    CHECK(code[0].imm == 5); // untouched
  }
  SUBCASE("no check where libbpf skips it") {
    std::vector<RawInstruction> code = {RawInstruction::make(0xb7, 1, 0, 0, 99)};
    CoReResolution resolution = values(56, 29);
    resolution.checkLocalValue = false;
    REQUIRE(patchCoRe(code, 0, record(1, CoReKind::FieldLShiftU64), resolution));
    CHECK(code[0].imm == 29);
  }
  SUBCASE("a register operand cannot be relocated") {
    std::vector<RawInstruction> code = {RawInstruction::make(0x0f, 1, 2, 0, 0)}; // r1 += r2
    CHECK_FALSE(patchCoRe(code, 0, offsetRecord, values(0, 12)));
  }
  SUBCASE("overflow of the 32-bit immediate") {
    // r1 = imm sign-extends: 0x80000000 would become 0xffffffff80000000.
    std::vector<RawInstruction> code = {RawInstruction::make(0xb7, 1, 0, 0, 1)};
    auto result = patchCoRe(code, 0, offsetRecord, values(1, 0x80000000u));
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("does not fit the 32-bit immediate") != std::string::npos);
    CHECK_FALSE(patchCoRe(code, 0, offsetRecord, values(1, std::uint64_t(1) << 32)));
    // A sign-extended negative value fits.
    REQUIRE(patchCoRe(code, 0, offsetRecord, values(1, ~std::uint64_t(0) - 1)));
    CHECK(code[0].imm == -2);
    // A 32-bit mov only keeps the low half: 0x80000000 fits.
    std::vector<RawInstruction> narrow = {RawInstruction::make(0xb4, 1, 0, 0, 1)};
    REQUIRE(patchCoRe(narrow, 0, offsetRecord, values(1, 0x80000000u)));
    CHECK(std::uint32_t(narrow[0].imm) == 0x80000000u);
  }
}

TEST_CASE("CO-RE patching: loads and stores") {
  const CoReRecord offsetRecord = record(1, CoReKind::FieldByteOffset);
  CoReResolution sameSize = values(4, 12);
  sameSize.localFieldSize = sameSize.targetFieldSize = 4;

  SUBCASE("the offset of LDX, ST and STX") {
    std::vector<RawInstruction> code = {
        RawInstruction::make(0x61, 2, 1, 4, 0), // r2 = *(u32 *)(r1 + 4)
        RawInstruction::make(0x62, 1, 0, 4, 7), // *(u32 *)(r1 + 4) = 7
        RawInstruction::make(0x63, 1, 2, 4, 0), // *(u32 *)(r1 + 4) = w2
    };
    for (std::size_t i = 0; i < code.size(); ++i)
      REQUIRE(patchCoRe(code, i, offsetRecord, sameSize));
    CHECK(code[0] == RawInstruction::make(0x61, 2, 1, 12, 0));
    CHECK(code[1] == RawInstruction::make(0x62, 1, 0, 12, 7)); // the stored immediate stays
    CHECK(code[2] == RawInstruction::make(0x63, 1, 2, 12, 0));
  }
  SUBCASE("the offset must hold the local value") {
    std::vector<RawInstruction> code = {RawInstruction::make(0x61, 2, 1, 0, 0),
                                        RawInstruction::make(0x61, 2, 1, 8, 0)};
    auto result = patchCoRe(code, 1, offsetRecord, sameSize);
    REQUIRE_FALSE(result);
    CHECK(result.error().message ==
          "CO-RE relocation at insn 1: instruction holds 8, expected local value 4");
  }
  SUBCASE("a wider unsigned field widens the load") {
    CoReResolution wider = values(4, 8);
    wider.localFieldSize = 4;
    wider.targetFieldSize = 8;
    std::vector<RawInstruction> code = {RawInstruction::make(0x61, 2, 1, 4, 0)};
    REQUIRE(patchCoRe(code, 0, offsetRecord, wider));
    CHECK(code[0] == RawInstruction::make(0x79, 2, 1, 8, 0)); // r2 = *(u64 *)(r1 + 8)
    // The access must be as wide as the local field.
    std::vector<RawInstruction> half = {RawInstruction::make(0x69, 2, 1, 4, 0)};
    CHECK_FALSE(patchCoRe(half, 0, offsetRecord, wider));
    // And the target width must be one a load can have.
    CoReResolution odd = wider;
    odd.targetFieldSize = 3;
    std::vector<RawInstruction> load = {RawInstruction::make(0x61, 2, 1, 4, 0)};
    CHECK_FALSE(patchCoRe(load, 0, offsetRecord, odd));
  }
  SUBCASE("a signed field of another size poisons the access") {
    CoReResolution unsafe = values(0, 0);
    unsafe.localFieldSize = 4;
    unsafe.targetFieldSize = 8;
    unsafe.unsafeSizeChange = true;
    std::vector<RawInstruction> code = {RawInstruction::make(0x61, 2, 1, 0, 0),
                                        RawInstruction::make(0x07, 1, 0, 0, 0)};
    REQUIRE(patchCoRe(code, 0, offsetRecord, unsafe));
    CHECK(code[0] == poisoned());
    // Only memory accesses: an address computation is still patched.
    REQUIRE(patchCoRe(code, 1, offsetRecord, unsafe));
    CHECK(code[1] == RawInstruction::make(0x07, 1, 0, 0, 0));
  }
  SUBCASE("overflow of the 16-bit offset") {
    std::vector<RawInstruction> code = {RawInstruction::make(0x61, 2, 1, 4, 0)};
    CoReResolution far = sameSize;
    far.targetValue = 40000;
    auto result = patchCoRe(code, 0, offsetRecord, far);
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("does not fit the 16-bit offset") != std::string::npos);
    far.targetValue = 32767;
    CHECK(patchCoRe(code, 0, offsetRecord, far));
    CHECK(code[0].offset == 32767);
  }
}

TEST_CASE("CO-RE patching: 64-bit immediate loads") {
  const CoReRecord enumRecord = record(1, CoReKind::EnumValue);
  // r1 = 1 << 40 as lddw: low half 0, high half 256.
  std::vector<RawInstruction> code = {RawInstruction::make(0x18, 1, 0, 0, 0),
                                      RawInstruction::make(0x00, 0, 0, 0, 256)};
  SUBCASE("both halves") {
    REQUIRE(patchCoRe(code, 0, enumRecord,
                      values(std::uint64_t(1) << 40, (std::uint64_t(1) << 41) + 5)));
    CHECK(code[0].imm == 5);
    CHECK(code[1].imm == 512);
  }
  SUBCASE("the pair must hold the local value") {
    auto result = patchCoRe(code, 0, enumRecord, values(1, 2));
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "CO-RE relocation at insn 0: instruction holds " +
                                        std::to_string(std::uint64_t(1) << 40) +
                                        ", expected local value 1");
  }
  SUBCASE("unexpected forms") {
    code[1].opcode = 0x07;
    CHECK_FALSE(patchCoRe(code, 0, enumRecord, values(std::uint64_t(1) << 40, 1)));
    code[1].opcode = 0;
    code[0] = RawInstruction::make(0x18, 1, 1, 0, 0); // a map fd load
    CHECK_FALSE(patchCoRe(code, 0, enumRecord, values(std::uint64_t(1) << 40, 1)));
    std::vector<RawInstruction> alone = {RawInstruction::make(0x18, 1, 0, 0, 0)};
    CHECK_FALSE(patchCoRe(alone, 0, enumRecord, values(0, 1)));
  }
  SUBCASE("poisoning replaces both slots") {
    CoReResolution missing = values(std::uint64_t(1) << 40, 0);
    missing.satisfied = false;
    REQUIRE(patchCoRe(code, 0, enumRecord, missing));
    CHECK(code[0] == poisoned());
    CHECK(code[1] == poisoned());
  }
}

TEST_CASE("CO-RE patching: poison and unsupported instructions") {
  const CoReRecord offsetRecord = record(1, CoReKind::FieldByteOffset);
  CoReResolution missing = values(4, 0);
  missing.satisfied = false;
  // Poisoning does not look at the instruction's value.
  std::vector<RawInstruction> code = {RawInstruction::make(0x61, 2, 1, 99, 0),
                                      RawInstruction::make(0x07, 1, 0, 0, 4),
                                      RawInstruction::make(0x15, 1, 0, 3, 4), // if r1 == 4 goto
                                      RawInstruction::make(0x95, 0, 0, 0, 0)};
  REQUIRE(patchCoRe(code, 0, offsetRecord, missing));
  REQUIRE(patchCoRe(code, 1, offsetRecord, missing));
  CHECK(code[0] == poisoned());
  CHECK(code[1] == poisoned());
  CHECK(code[0].imm == 0xbad2310);
  CHECK(code[2] == RawInstruction::make(0x15, 1, 0, 3, 4));

  auto jump = patchCoRe(code, 2, offsetRecord, values(4, 12));
  REQUIRE_FALSE(jump);
  CHECK(jump.error().message.find("insn 2") != std::string::npos);
  CHECK(jump.error().message.find("opcode 0x15") != std::string::npos);
  auto beyond = patchCoRe(code, 4, offsetRecord, values(4, 12));
  REQUIRE_FALSE(beyond);
  CHECK(beyond.error().message.find("only 4 instructions") != std::string::npos);
}

TEST_CASE("CO-RE end to end: resolve then patch") {
  LocalTask local;
  TargetTask target;
  const CoReRecord tgidRecord = record(local.task, CoReKind::FieldByteOffset);
  auto tgid = resolveCoRe(local.types.get(), target.types.get(), tgidRecord, "0:1");
  REQUIRE(tgid);
  std::vector<RawInstruction> code = {RawInstruction::make(0x61, 0, 1, 4, 0)}; // r0 = p->tgid
  REQUIRE(patchCoRe(code, 0, tgidRecord, *tgid));
  CHECK(code[0] == RawInstruction::make(0x61, 0, 1, 12, 0));

  // A field 40000 bytes in cannot be a load's offset.
  Types far;
  const int farInt = far.integer("int", 4, true);
  const int padding = far.array(farInt, 10000);
  far.structure("task_struct", 40008,
                {{"pad", padding, 0}, {"pid", farInt, 320000}, {"tgid", farInt, 320032}});
  auto tooFar = resolveCoRe(local.types.get(), far.get(), tgidRecord, "0:1");
  REQUIRE(tooFar);
  CHECK(tooFar->targetValue == 40004);
  std::vector<RawInstruction> load = {RawInstruction::make(0x61, 0, 1, 4, 0)};
  CHECK_FALSE(patchCoRe(load, 0, tgidRecord, *tooFar));
  // but an address computation can hold it.
  std::vector<RawInstruction> add = {RawInstruction::make(0x07, 1, 0, 0, 4)};
  REQUIRE(patchCoRe(add, 0, tgidRecord, *tooFar));
  CHECK(add[0].imm == 40004);

  // A missing field poisons the load.
  Types without;
  const int withoutInt = without.integer("int", 4, true);
  without.structure("task_struct", 4, {{"pid", withoutInt, 0}});
  auto missing = resolveCoRe(local.types.get(), without.get(), tgidRecord, "0:1");
  REQUIRE(missing);
  std::vector<RawInstruction> poisonedLoad = {RawInstruction::make(0x61, 0, 1, 4, 0)};
  REQUIRE(patchCoRe(poisonedLoad, 0, tgidRecord, *missing));
  CHECK(poisonedLoad[0] == poisoned());
}
