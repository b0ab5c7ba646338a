// Shared by the interpreter's tests: programs from the conformance suite's assembly dialect
// or raw slots, pre-decoded; and TestEnvironment, a small ExecutionEnvironment with a fake
// array map, a fake prog array and the callback helpers bpf_loop and bpf_for_each_map_elem
// written from the kernel's definitions (kernel/bpf/bpf_iter.c, kernel/bpf/arraymap.c).
#pragma once

#include "../conformance/ConformanceSuite.h"

#include "bpfcheck/interp/Interpreter.h"
#include "bpfcheck/ir/ControlFlow.h"
#include "bpfcheck/ir/Decoder.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

namespace bpfcheck::interp::test {

using encoding::RawInstruction;

inline RawInstruction raw(std::uint8_t opcode, std::uint8_t dst, std::uint8_t src,
                          std::int16_t offset, std::int32_t imm) {
  return RawInstruction::make(opcode, dst, src, offset, imm);
}

/// Slots from the conformance dialect (`mov %r0, 1`, labels, `call local f`, ...).
inline std::vector<RawInstruction> assembleSlots(const std::string &text) {
  auto file = conformance::parseTestFile("-- asm\n" + text, "test.data");
  REQUIRE_MESSAGE(file, (file ? "" : file.error().message));
  auto code = conformance::assemble(*file);
  REQUIRE_MESSAGE(code, (code ? "" : code.error().message));
  return *code;
}

/// Decodes, builds and pre-decodes raw slots; fails the test on an error.
inline DecodedProgram predecodeSlots(const std::vector<RawInstruction> &slots,
                                     const std::string &name = "test") {
  auto decoded = decodeProgram(slots);
  REQUIRE_MESSAGE(decoded, (decoded ? "" : decoded.error().message));
  auto code = buildProgramCode(std::move(*decoded), {{0, name}});
  REQUIRE_MESSAGE(code, (code ? "" : code.error().message));
  auto program = predecode(*code);
  REQUIRE_MESSAGE(program, (program ? "" : program.error().message));
  return std::move(*program);
}

inline DecodedProgram assembleProgram(const std::string &text, const std::string &name = "test") {
  return predecodeSlots(assembleSlots(text), name);
}

/// Makes the lddw at `slot` load the address of the function at `targetSlot` (src = 4).
inline void loadFunctionAddress(std::vector<RawInstruction> &slots, std::size_t slot,
                                std::size_t targetSlot) {
  slots[slot] = raw(0x18, slots[slot].dst(), 4, 0, std::int32_t(targetSlot - slot - 1));
  slots[slot + 1] = raw(0, 0, 0, 0, 0);
}

/// The index of the first slot holding `opcode`, at or after `from`.
inline std::size_t findOpcode(const std::vector<RawInstruction> &slots, std::uint8_t opcode,
                              std::size_t from = 0) {
  for (std::size_t i = from; i < slots.size(); ++i)
    if (slots[i].opcode == opcode)
      return i;
  FAIL("opcode not found");
  return 0;
}

/// Helper ids (include/uapi/linux/bpf.h).
inline constexpr std::int32_t MapLookupElem = 1, TailCall = 12, ForEachMapElem = 164, Loop = 181;

/// An environment with one fake array map (u32 keys), fake prog arrays and bpf_loop /
/// bpf_for_each_map_elem.
class TestEnvironment : public ExecutionEnvironment {
public:
  struct ArrayMap {
    std::uint32_t valueSize = 8;
    std::uint32_t entries = 4;
    std::vector<std::byte> values = std::vector<std::byte>(valueSize * entries);
    std::uint32_t key = 0; ///< where for_each passes the key from
  };
  /// A BPF_MAP_TYPE_PROG_ARRAY: empty slots are nullptr.
  struct ProgramArray {
    std::vector<const DecodedProgram *> slots;
  };

  ArrayMap map;
  std::vector<ProgramArray> programArrays;
  std::vector<std::int32_t> helpersCalled;
  std::vector<std::uint64_t> tailCallIndices; ///< every index bpf_tail_call asked for

  std::uint64_t mapAddress() const { return reinterpret_cast<std::uintptr_t>(&map); }
  std::uint64_t programArrayAddress(std::size_t which) const {
    return reinterpret_cast<std::uintptr_t>(&programArrays[which]);
  }

  HelperOutcome callHelper(const HelperCall &call, CallContext &context) override {
    helpersCalled.push_back(call.id);
    switch (call.id) {
    case MapLookupElem:
      return lookup(call, context);
    case Loop:
      return loop(call, context);
    case ForEachMapElem:
      return forEachElement(call, context);
    default:
      return HelperOutcome::notProvided();
    }
  }

  TailCallTarget resolveTailCall(std::uint64_t programArray, std::uint32_t index) override {
    tailCallIndices.push_back(index);
    for (const ProgramArray &array : programArrays)
      if (reinterpret_cast<std::uintptr_t>(&array) == programArray)
        return index < array.slots.size() ? TailCallTarget{true, array.slots[index]}
                                          : TailCallTarget{false, nullptr};
    return {};
  }

private:
  MemoryRegion valueRegion(std::uint32_t index) {
    return MemoryRegion{reinterpret_cast<std::uintptr_t>(map.values.data() + index * map.valueSize),
                        map.valueSize, true, RegionKind::MapValue, "test array map"};
  }

  // bpf_map_lookup_elem(map, key): a pointer to the value, or NULL past max_entries.
  HelperOutcome lookup(const HelperCall &call, CallContext &context) {
    if (call.arguments[0] != mapAddress())
      return HelperOutcome::failed("r1 is not the test map");
    std::uint32_t key;
    std::memcpy(&key, reinterpret_cast<const void *>(call.arguments[1]), sizeof key);
    if (key >= map.entries)
      return HelperOutcome::returned(0);
    context.registerRegion(valueRegion(key));
    return HelperOutcome::returned(
        reinterpret_cast<std::uintptr_t>(map.values.data() + key * map.valueSize));
  }

  // bpf_loop(nr_loops, callback_fn, callback_ctx, flags): calls callback_fn(i, callback_ctx)
  // until it returns non-zero; returns the number of calls made.
  HelperOutcome loop(const HelperCall &call, CallContext &context) {
    const std::uint64_t count = std::uint32_t(call.arguments[0]);
    std::uint64_t i = 0;
    for (; i < count; ++i) {
      const std::uint64_t arguments[] = {i, call.arguments[2]};
      const auto returned = context.invokeCallback(call.arguments[1], arguments);
      if (!returned)
        return HelperOutcome::returned(0); // the run stopped in the callback
      if (*returned != 0)
        return HelperOutcome::returned(i + 1);
    }
    return HelperOutcome::returned(i);
  }

  // bpf_for_each_map_elem(map, callback_fn, callback_ctx, flags) on an array map: calls
  // callback_fn(map, &key, &value, callback_ctx) per element until it returns non-zero;
  // returns the number of elements visited.
  HelperOutcome forEachElement(const HelperCall &call, CallContext &context) {
    context.registerRegion(MemoryRegion{reinterpret_cast<std::uintptr_t>(&map.key), sizeof map.key,
                                        false, RegionKind::HelperMemory, "for_each key"});
    std::uint64_t visited = 0;
    for (std::uint32_t i = 0; i < map.entries; ++i) {
      map.key = i;
      context.registerRegion(valueRegion(i));
      ++visited;
      const std::uint64_t arguments[] = {
          mapAddress(), reinterpret_cast<std::uintptr_t>(&map.key),
          reinterpret_cast<std::uintptr_t>(map.values.data() + i * map.valueSize),
          call.arguments[2]};
      const auto returned = context.invokeCallback(call.arguments[1], arguments);
      if (!returned)
        return HelperOutcome::returned(0);
      if (*returned != 0)
        break;
    }
    return HelperOutcome::returned(visited);
  }
};

/// The fault's message, or "" when the run completed.
inline std::string faultMessage(const RunResult &result) {
  return result.fault ? result.fault->message : std::string();
}

/// Runs `program` with `environment` (a default TestEnvironment if none) in `mode`.
inline RunResult runProgram(const DecodedProgram &program, ExecutionEnvironment &environment,
                            const RunInput &input = {}, ExecutionMode mode = ExecutionMode::Fast,
                            std::uint64_t budget = 10'000'000) {
  Interpreter interpreter(environment);
  return interpreter.run(program, input, RunOptions{mode, budget});
}

/// r0 of a run that must complete (in both modes, with the same result).
inline std::uint64_t returnValue(const DecodedProgram &program, const RunInput &input = {}) {
  TestEnvironment fastEnvironment, checkedEnvironment;
  const RunResult fast = runProgram(program, fastEnvironment, input);
  REQUIRE_MESSAGE(fast.completed(), faultMessage(fast));
  const RunResult checked = runProgram(program, checkedEnvironment, input, ExecutionMode::Checked);
  REQUIRE_MESSAGE(checked.completed(), faultMessage(checked));
  CHECK(checked.returnValue == fast.returnValue);
  CHECK(checked.instructionsExecuted == fast.instructionsExecuted);
  return fast.returnValue;
}

inline std::uint64_t returnValue(const std::string &text) {
  return returnValue(assembleProgram(text));
}

} // namespace bpfcheck::interp::test
