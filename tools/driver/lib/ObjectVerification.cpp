// From frontend objects to verifier inputs.

#include "bpfcheck/driver/ObjectVerification.h"

#include "bpfcheck/frontend/BtfKernelTypes.h"
#include "bpfcheck/platform/ProgramRules.h"

#include <optional>

namespace bpfcheck::driver {

namespace {

absint::MapDescriptor describeMap(const MapDefinition &map) {
  constexpr std::uint32_t readOnlyForPrograms = 1u << 7;  // BPF_F_RDONLY_PROG
  constexpr std::uint32_t writeOnlyForPrograms = 1u << 8; // BPF_F_WRONLY_PROG
  absint::MapDescriptor descriptor;
  descriptor.name = map.name;
  descriptor.type = static_cast<MapType>(map.type);
  descriptor.keySize = map.keySize;
  descriptor.valueSize = map.valueSize;
  descriptor.maxEntries = map.maxEntries;
  descriptor.flags = map.flags;
  descriptor.readOnly = map.readOnly || (map.flags & readOnlyForPrograms) != 0;
  descriptor.writeOnly = (map.flags & writeOnlyForPrograms) != 0;
  if (map.innerMap)
    descriptor.innerMap = static_cast<std::uint32_t>(*map.innerMap);
  // A frozen read-only global-data map holds exactly its initial contents (libbpf freezes
  // `.rodata` after filling it); the verifier may read them as constants.
  const bool frozen = map.origin == MapOrigin::GlobalData || map.origin == MapOrigin::Kconfig;
  if (frozen && map.readOnly) {
    descriptor.frozenValue = map.initialData;
    descriptor.frozenValue.resize(map.valueSize, std::byte{0});
  }
  descriptor.valueFields = map.valueFields;
  return descriptor;
}

} // namespace

absint::ProgramInput programInput(const Object &object, const Program &program,
                                  const KernelTypes *kernelTypes) {
  absint::ProgramInput input;
  input.name = program.name;
  input.code = &program.code;
  input.type = program.type;
  input.attach = program.expectedAttachType;
  input.gplCompatible = licenseIsGplCompatible(object.license);
  input.sleepable = program.sleepable;
  input.malformed = program.malformed;
  input.kernelTypes = kernelTypes;
  const bool hasTarget = !program.attachTarget.empty() || program.type == ProgramType::StructOps;
  input.structOpsType = program.structOpsType;
  input.attachTargetName = program.attachTarget;
  if (kernelTypes && hasTarget)
    input.attachTarget =
        kernelTypes->attachTarget(program.type, program.expectedAttachType, program.attachTarget,
                                  program.structOpsType, program.structOpsMember);
  // Arguments the kernel promotes to a more specific struct (a tcp_congestion_ops
  // callback's `struct sock *` is a tcp_sock).
  if (input.attachTarget && program.type == ProgramType::StructOps)
    for (std::string_view &argument : input.attachTarget->argumentStructs)
      argument = promotedArgumentStruct(program.structOpsType, argument);
  for (const GlobalFunction &function : program.globalFunctions) {
    const auto entry = program.code.indexOfPc(function.pc);
    if (!entry)
      continue;
    absint::GlobalFunctionSignature signature;
    signature.name = function.name;
    signature.entry = *entry;
    signature.returnsVoid = function.returnsVoid;
    for (const GlobalArgument &argument : function.arguments) {
      using Kind = absint::GlobalFunctionSignature::ArgumentKind;
      const Kind kind = argument.kind == GlobalArgumentKind::Scalar         ? Kind::Scalar
                        : argument.kind == GlobalArgumentKind::Context      ? Kind::Context
                        : argument.kind == GlobalArgumentKind::Memory       ? Kind::Memory
                        : argument.kind == GlobalArgumentKind::KernelObject ? Kind::KernelObject
                                                                            : Kind::Unsupported;
      signature.arguments.push_back(
          {kind, argument.size, argument.nonNull, argument.structName, argument.reason});
    }
    input.globalFunctions.push_back(std::move(signature));
  }
  if (!program.functionReturns.empty()) {
    input.functionReturnsScalar.assign(program.code.functions.size(), false);
    for (const FunctionReturn &returned : program.functionReturns)
      if (const auto entry = program.code.indexOfPc(returned.pc)) {
        const Function &function = program.code.functionOf(*entry);
        if (function.firstInstruction == *entry)
          input.functionReturnsScalar[static_cast<std::size_t>(
              &function - program.code.functions.data())] = returned.scalar;
      }
  }
  input.maps.reserve(object.maps.size());
  for (const MapDefinition &map : object.maps)
    input.maps.push_back(describeMap(map));
  return input;
}

std::vector<ProgramVerdict> verifyObject(const Object &object, const absint::VerifyOptions &options,
                                         std::string_view only, const KernelTypes *kernelTypes) {
  // The running kernel's types, read only if a program needs them.
  std::optional<BtfKernelTypes> runningKernel;
  if (!kernelTypes) {
    runningKernel.emplace();
    kernelTypes = &*runningKernel;
  }
  std::vector<ProgramVerdict> verdicts;
  for (const Program &program : object.programs) {
    if (!only.empty() && program.name != only)
      continue;
    const absint::ProgramInput input = programInput(object, program, kernelTypes);
    verdicts.push_back({&program, absint::verify(input, options)});
  }
  return verdicts;
}

} // namespace bpfcheck::driver
