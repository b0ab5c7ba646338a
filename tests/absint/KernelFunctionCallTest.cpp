// Kfunc calls checked against prototypes given by a small, fixed set of kernel types (the
// real ones come from the kernel's BTF; the corpus checks those against the kernel): the
// references acquire and release kfuncs hand out and take back, trusted and RCU arguments,
// the struct at a pointer's offset, `__k` constants, and the kfuncs bpfcheck refuses as
// unsupported.

#include "VerifierHarness.h"

#include "bpfcheck/platform/KernelTypes.h"

#include <map>

using namespace bpfcheck;
using namespace bpfcheck::test;
using absint::Rule;
using absint::Verdict;

namespace {

using Kind = KernelFunctionType::Kind;

KernelFunctionType integer(std::uint32_t size) {
  return {Kind::Integer, {}, size, false};
}
KernelFunctionType structPointer(std::string_view name) {
  return {Kind::PointerToStruct, name, 8, false};
}

/// BTF ids of the kfuncs below.
enum : std::int32_t {
  TaskFromPid = 1,
  TaskRelease = 2,
  TaskAcquire = 3,
  ReadOnlyCast = 4,
  IterNumNew = 5,
  CpumaskTestCpu = 6,
  LookupUserKey = 7,
  NotAFunction = 50,
  TaskStructType = 100,
};

class FixedKernelTypes final : public KernelTypes {
public:
  FixedKernelTypes() {
    functions[TaskFromPid] = {
        "bpf_task_from_pid", {{"pid", integer(4)}}, structPointer("task_struct")};
    functions[TaskRelease] = {
        "bpf_task_release", {{"p", structPointer("task_struct")}}, {Kind::Void, {}, 0, false}};
    functions[TaskAcquire] = {
        "bpf_task_acquire", {{"p", structPointer("task_struct")}}, structPointer("task_struct")};
    functions[ReadOnlyCast] = {
        "bpf_rdonly_cast",
        {{"obj__ign", {Kind::PointerToVoid, {}, 0, false}}, {"btf_id__k", integer(4)}},
        {Kind::PointerToVoid, {}, 0, false}};
    functions[IterNumNew] = {
        "bpf_iter_num_new",
        {{"it", structPointer("bpf_iter_num")}, {"start", integer(4)}, {"end", integer(4)}},
        integer(4)};
    functions[CpumaskTestCpu] = {"bpf_cpumask_test_cpu",
                                 {{"cpu", integer(4)}, {"cpumask", structPointer("cpumask")}},
                                 integer(1)};
    functions[LookupUserKey] = {"bpf_lookup_user_key",
                                {{"serial", integer(4)}, {"flags", integer(8)}},
                                structPointer("bpf_key")};
  }

  KernelField readField(std::string_view structName, std::uint32_t offset, std::uint32_t size,
                        bool) const override {
    KernelField field;
    field.allowed = structName == "task_struct" && offset == 0 && size == 4;
    field.member = "pid";
    if (!field.allowed)
      field.reason = "no such field in the test's task_struct";
    return field;
  }
  std::optional<std::pair<std::uint32_t, std::uint32_t>>
  memberExtent(std::string_view, std::string_view) const override {
    return std::nullopt;
  }
  std::optional<AttachTargetInfo> attachTarget(ProgramType, std::optional<AttachType>,
                                               std::string_view, std::string_view,
                                               std::string_view) const override {
    return std::nullopt;
  }
  std::optional<KernelFunctionPrototype> kernelFunction(std::uint32_t btfId) const override {
    const auto found = functions.find(static_cast<std::int32_t>(btfId));
    if (found == functions.end())
      return std::nullopt;
    return found->second;
  }
  bool structStartsWith(std::string_view outer, std::uint32_t offset,
                        std::string_view inner) const override {
    return outer == "bpf_cpumask" && offset == 0 && inner == "cpumask";
  }
  std::optional<KernelTypeName> typeName(std::uint32_t btfId) const override {
    if (btfId == TaskStructType)
      return KernelTypeName{KernelTypeName::Kind::Struct, "task_struct"};
    return KernelTypeName{KernelTypeName::Kind::Other, "int"};
  }

private:
  std::map<std::int32_t, KernelFunctionPrototype> functions;
};

std::string call(std::int32_t kfunc) {
  return "call " + std::to_string(kfuncCallMarker + kfunc) + "\n";
}

VerifiedProgram verifyTracepoint(const std::string &text, bool sleepable = false) {
  static const FixedKernelTypes kernelTypes; // immutable after construction
  AsmProgram program;
  program.text = text;
  program.type = ProgramType::Tracepoint;
  program.kernelTypes = &kernelTypes;
  program.sleepable = sleepable;
  return verifyAsm(program);
}

/// r0 = bpf_task_from_pid(1), checked against NULL (the NULL path exits).
const std::string acquireTask = "r1 = 1\n" + call(TaskFromPid) +
                                "if r0 == 0 goto +100\n"
                                "r6 = r0\n";

std::string exitPadding() {
  std::string text = "r0 = 0\nexit\n";
  for (int i = 0; i < 100; ++i)
    text += "r0 = 0\n";
  return text + "exit\n";
}

} // namespace

TEST_CASE("kfuncs: an acquired task is released once, and only what is held") {
  const std::string release = "r1 = r6\n" + call(TaskRelease);
  SUBCASE("acquired, read and released: accepted") {
    const auto verified =
        verifyTracepoint(acquireTask + "r2 = *(u32 *)(r6 + 0)\n" + release + exitPadding());
    CHECK_MESSAGE(verified.verdict() == Verdict::Accept, verified.message());
  }
  SUBCASE("never released: an unreleased reference") {
    const auto verified = verifyTracepoint(acquireTask + exitPadding());
    CHECK(verified.rule() == Rule::UnreleasedReference);
  }
  SUBCASE("released twice") {
    const auto verified = verifyTracepoint(acquireTask + release + release + exitPadding());
    CHECK(verified.verdict() == Verdict::Reject);
  }
  SUBCASE("released before the NULL check: possibly NULL") {
    const auto verified = verifyTracepoint("r1 = 1\n" + call(TaskFromPid) + "r1 = r0\n" +
                                           call(TaskRelease) + "r0 = 0\nexit\n");
    CHECK(verified.rule() == Rule::NullDereference);
    CHECK(verified.message().find("Possibly NULL pointer passed to trusted arg0") !=
          std::string::npos);
  }
  SUBCASE("released at an offset") {
    const auto verified =
        verifyTracepoint(acquireTask + "r1 = r6\nr1 += 8\n" + call(TaskRelease) + exitPadding());
    CHECK(verified.rule() == Rule::InvalidRelease);
  }
  SUBCASE("a copy is unusable after the release") {
    const auto verified = verifyTracepoint(acquireTask + "r7 = r6\n" + release +
                                           "r2 = *(u32 *)(r7 + 0)\n" + exitPadding());
    CHECK(verified.rule() == Rule::InvalidDereference);
  }
  SUBCASE("a number is not a task to release") {
    const auto verified = verifyTracepoint("r1 = 5\n" + call(TaskRelease) + "r0 = 0\nexit\n");
    CHECK(verified.verdict() == Verdict::Reject);
  }
}

TEST_CASE("kfuncs: the struct at the pointer, trust, constants and unknown functions") {
  SUBCASE("a task is not a cpumask") {
    const auto verified =
        verifyTracepoint(acquireTask + "r1 = 0\nr2 = r6\n" + call(CpumaskTestCpu) + "r1 = r6\n" +
                         call(TaskRelease) + exitPadding());
    CHECK(verified.rule() == Rule::HelperArgument);
    CHECK(verified.message().find("expected pointer to STRUCT cpumask") != std::string::npos);
  }
  SUBCASE("bpf_rdonly_cast needs a constant type id and gives an untrusted pointer") {
    const auto readable =
        verifyTracepoint("r2 = " + std::to_string(TaskStructType) + "\n" + call(ReadOnlyCast) +
                         "r0 = *(u32 *)(r0 + 0)\nr0 = 0\nexit\n");
    CHECK_MESSAGE(readable.verdict() == Verdict::Accept, readable.message());
    const auto notConstant =
        verifyTracepoint("call 7\nr2 = r0\n" + call(ReadOnlyCast) + "r0 = 0\nexit\n");
    CHECK(notConstant.rule() == Rule::HelperArgument);
    CHECK(notConstant.message().find("must be a known constant") != std::string::npos);
    const auto untrustedToAcquire =
        verifyTracepoint("r2 = " + std::to_string(TaskStructType) + "\n" + call(ReadOnlyCast) +
                         "r1 = r0\n" + call(TaskAcquire) + "r0 = 0\nexit\n");
    CHECK(untrustedToAcquire.rule() == Rule::HelperArgument);
  }
  SUBCASE("a sleepable kfunc needs a sleepable program") {
    const std::string text = "r1 = 1\nr2 = 0\n" + call(LookupUserKey) + "r0 = 0\nexit\n";
    const auto notSleepable = verifyTracepoint(text);
    CHECK(notSleepable.rule() == Rule::HelperUnavailable);
    // Allowed when the program may sleep; then the reference it returns leaks.
    const auto sleepable = verifyTracepoint(text, true);
    CHECK(sleepable.rule() == Rule::UnreleasedReference);
  }
  SUBCASE("iterators and ids that are no function are not accepted") {
    const auto iterator = verifyTracepoint("r1 = r10\nr1 += -8\nr2 = 0\nr3 = 10\n" +
                                           call(IterNumNew) + "r0 = 0\nexit\n");
    CHECK(iterator.rule() == Rule::Unsupported);
    const auto unknown = verifyTracepoint(call(NotAFunction) + "r0 = 0\nexit\n");
    CHECK(unknown.rule() == Rule::InvalidCall);
  }
  SUBCASE("socket filters may not call the generic kfuncs") {
    static const FixedKernelTypes kernelTypes;
    AsmProgram program;
    program.text = "r1 = 1\n" + call(TaskFromPid) + "r0 = 0\nexit\n";
    program.kernelTypes = &kernelTypes;
    const auto verified = verifyAsm(program);
    CHECK(verified.rule() == Rule::HelperUnavailable);
    CHECK(verified.message().find("calling kernel function bpf_task_from_pid is not allowed") !=
          std::string::npos);
  }
}
