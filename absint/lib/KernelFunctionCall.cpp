// Calls of kernel functions (kfuncs): the function's prototype from the kernel's BTF, its
// flags and kfunc set from the platform table, and the argument rules of the kernel's
// check_kfunc_call / check_kfunc_args: numbers and constants, pointers to kernel objects
// (trusted, RCU, referenced; the type at the pointer's offset), memory with its size, the
// reference a release kfunc gives back and the one an acquire kfunc hands out.

#include "Analysis.h"

#include "bpfcheck/platform/KernelFunctions.h"

namespace bpfcheck::absint::detail {

namespace {

using TypeKind = KernelFunctionType::Kind;

/// The kernel's spelling of a prototype type, for messages ("struct task_struct").
std::string describeType(const KernelFunctionType &type) {
  switch (type.kind) {
  case TypeKind::Void:
    return "void";
  case TypeKind::Integer:
    return std::to_string(type.size * 8) + "-bit integer";
  case TypeKind::PointerToStruct:
    return "struct " + std::string(type.pointee) + " *";
  case TypeKind::PointerToVoid:
    return "void *";
  case TypeKind::PointerToScalar:
    return std::to_string(type.size * 8) + "-bit integer *";
  case TypeKind::Other:
    break;
  }
  return "a type bpfcheck does not check";
}

} // namespace

StepOutcome Analysis::executeKernelFunction(AbstractState state, const Call &call,
                                            std::uint32_t index) {
  StepOutcome outcome;
  auto fail = [&](Rule rule, std::string message, std::initializer_list<unsigned> registers = {}) {
    outcome.violation = violation(rule, std::move(message), state, registers);
    return outcome;
  };
  if (!options.privileged)
    return fail(Rule::InvalidCall, "calling kernel functions are not allowed in unprivileged "
                                   "programs: kfunc calls need CAP_BPF");
  if (call.offset != 0)
    return fail(Rule::Unsupported, "kfuncs of kernel modules (BTF fd index " +
                                       std::to_string(call.offset) +
                                       ") are not checked by bpfcheck yet");
  if (!input.kernelTypes)
    return fail(Rule::Unsupported, "kfunc calls are checked against the kernel's BTF, which "
                                   "was not given");
  const auto btfId = static_cast<std::uint32_t>(call.imm);
  const std::optional<KernelFunctionPrototype> prototype = input.kernelTypes->kernelFunction(btfId);
  if (!prototype)
    return fail(Rule::InvalidCall, "kernel btf_id " + std::to_string(btfId) +
                                       " is not a function in the kernel's BTF");
  const std::string name(prototype->name);
  if (!input.gplCompatible)
    return fail(Rule::GplOnlyHelper,
                "cannot call kernel function from non-GPL compatible program: " + name);
  const KernelFunctionRule *rule = findKernelFunction(name);
  if (!rule)
    return fail(Rule::Unsupported,
                "kfunc " + name + " is not in bpfcheck's table of kernel functions");
  if (!kernelFunctionSetCallableFrom(rule->set, input.type))
    return fail(Rule::HelperUnavailable,
                "calling kernel function " + name + " is not allowed: only " +
                    std::string(describeCallers(rule->set)) + " programs may call it, not " +
                    std::string(nameOf(input.type)));
  if (const std::string_view why = unsupportedReason(rule->model); !why.empty())
    return fail(Rule::Unsupported, name + ": " + std::string(why));
  if ((rule->flags & KfSleepable) && !input.sleepable)
    return fail(Rule::HelperUnavailable,
                "program must be sleepable to call sleepable kfunc " + name);
  if (state.lock)
    return fail(Rule::Lock, "function calls are not allowed while holding a lock: " + name +
                                " is called with the lock taken at insn " +
                                std::to_string(instruction(state.lock->lockedAt).pc) + " held");
  if (prototype->parameters.size() > 5)
    return fail(Rule::InvalidCall, "Function " + name + " has " +
                                       std::to_string(prototype->parameters.size()) + " > 5 args");

  KernelFunctionFacts facts;
  if (auto failed = checkKernelFunctionArguments(state, *prototype, *rule, facts)) {
    outcome.violation = failed;
    return outcome;
  }

  RegisterValue result = RegisterValue::uninitialized();
  PointerValue pointer;
  pointer.region = RegionKind::BtfObject;
  switch (rule->model) {
  case KernelFunctionModel::CastToKernelContext:
    // The context as the kernel struct behind it; a non-struct one (u64, void) can be
    // passed on but not read through.
    pointer.trust = Trust::Trusted;
    pointer.btfType = kernelContextType(input.type);
    if (pointer.btfType.empty())
      return fail(Rule::Unsupported, "bpfcheck does not know the kernel context type of " +
                                         std::string(nameOf(input.type)) + " programs");
    result = RegisterValue::ofPointer(pointer);
    break;
  case KernelFunctionModel::ReadOnlyCast: {
    const std::optional<KernelTypeName> type =
        input.kernelTypes->typeName(static_cast<std::uint32_t>(facts.constant.value_or(0)));
    if (type && type->kind == KernelTypeName::Kind::Void)
      return fail(Rule::Unsupported, "bpf_rdonly_cast to void (untrusted memory of no size) is "
                                     "not modelled by bpfcheck yet");
    if (!type || type->kind != KernelTypeName::Kind::Struct)
      return fail(Rule::InvalidCall,
                  "bpf_rdonly_cast type ID argument must be of a struct or "
                  "void",
                  {2});
    pointer.trust = Trust::Untrusted;
    pointer.btfType = type->name;
    result = RegisterValue::ofPointer(pointer);
    break;
  }
  default:
    switch (prototype->returns.kind) {
    case TypeKind::Void:
      break;
    case TypeKind::Integer:
      result = RegisterValue::unknown();
      break;
    case TypeKind::PointerToStruct:
      pointer.btfType = prototype->returns.pointee;
      if (rule->flags & KfReturnsNull) {
        pointer.maybeNull = true;
        pointer.id = freshId();
      }
      if (rule->flags & KfAcquire) {
        // A referenced pointer is trusted (is_trusted_reg); a NULL check refines the
        // reference with the pointer (the kernel gives both the same id).
        const std::uint32_t reference = freshId();
        pointer.trust = Trust::Trusted;
        pointer.referenceId = reference;
        pointer.id = reference;
        state.references.push_back({reference, index, pointer.region, state.trail.count});
      }
      result = RegisterValue::ofPointer(pointer);
      break;
    default:
      return fail(Rule::Unsupported, name + " returns " + describeType(prototype->returns) +
                                         ", which bpfcheck cannot size yet");
    }
    break;
  }

  if (facts.releasedReference != 0)
    releaseReference(state, facts.releasedReference);
  for (unsigned r = 1; r <= 5; ++r)
    state.reg(r) = RegisterValue::uninitialized();
  state.reg(0) = result;
  outcome.successors.push_back({std::move(state), index + 1});
  return outcome;
}

Check Analysis::checkKernelFunctionArguments(AbstractState &state,
                                             const KernelFunctionPrototype &prototype,
                                             const KernelFunctionRule &rule,
                                             KernelFunctionFacts &facts) {
  const std::string name(prototype.name);
  // Release kfuncs take trusted arguments too (is_kfunc_trusted_args).
  const bool trustedArgs = (rule.flags & (KfTrustedArgs | KfRelease)) != 0;
  const bool rcuArgs = (rule.flags & KfRcu) != 0;
  const bool releases = (rule.flags & KfRelease) != 0;
  const std::size_t count = prototype.parameters.size();
  for (std::size_t i = 0; i < count; ++i) {
    const KernelFunctionPrototype::Parameter &parameter = prototype.parameters[i];
    const auto r = static_cast<unsigned>(i + 1);
    const std::string argument = "arg#" + std::to_string(i) + " of " + name;
    auto refuse = [&](Rule broken, std::string message) {
      return violation(broken, std::move(message), state, {r});
    };
    const KernelFunctionArgumentTag tag = tagOfKernelFunctionArgument(parameter.name);
    if (tag == KernelFunctionArgumentTag::Ignored)
      continue;
    if (tag == KernelFunctionArgumentTag::Other)
      return refuse(Rule::Unsupported, argument + " ('" + std::string(parameter.name) +
                                           "') follows a kfunc convention bpfcheck does not "
                                           "check yet");
    if (auto failed = readable(state, r))
      return failed;
    const RegisterValue value = state.reg(r);

    if (parameter.type.kind == TypeKind::Integer) {
      if (!value.isScalar())
        return refuse(Rule::HelperArgument, registerName(r) + " is not a scalar: " + argument +
                                                " is an integer, not " + typeName(value));
      if (tag == KernelFunctionArgumentTag::Constant ||
          tag == KernelFunctionArgumentTag::ConstantSize) {
        if (!isConstant(value.scalar))
          return refuse(Rule::HelperArgument, registerName(r) + " must be a known constant: " +
                                                  argument + " is " + describe(value.scalar));
        if (tag == KernelFunctionArgumentTag::Constant)
          facts.constant = value.scalar.bits.value.bits;
      }
      continue;
    }
    if (parameter.type.kind == TypeKind::Other || parameter.type.kind == TypeKind::Void)
      return refuse(Rule::Unsupported, argument + " is of a kind bpfcheck does not check yet");

    // A pointer parameter.
    if (rule.model == KernelFunctionModel::CastToKernelContext) {
      if (!value.isPointerTo(RegionKind::Context))
        return refuse(Rule::HelperArgument,
                      argument + " expected pointer to ctx, but got " + typeName(value));
      if (!pointsToStart(value.pointer))
        return refuse(Rule::HelperArgument, "dereference of modified ctx ptr " + registerName(r) +
                                                ": pass the context pointer unmodified");
      continue;
    }
    const bool nullable = tag == KernelFunctionArgumentTag::Nullable;
    if (value.isNull() && nullable)
      continue;
    const bool maybeNull = value.isNull() || (value.isPointer() && value.pointer.maybeNull);
    if ((trustedArgs || rcuArgs) && maybeNull && !nullable)
      return refuse(Rule::NullDereference, "Possibly NULL pointer passed to trusted arg" +
                                               std::to_string(i) + ": " + argument +
                                               " must not be NULL (null-check it first)");
    if (value.isPointer() && value.pointer.referenceId != 0 && releases) {
      if (facts.releasedReference != 0)
        return refuse(Rule::InvalidRelease,
                      "more than one arg with ref_obj_id: " + name + " releases one reference");
      if (!state.findReference(value.pointer.referenceId))
        return refuse(Rule::InvalidRelease, registerName(r) + " holds a reference that was "
                                                              "already released");
      facts.releasedReference = value.pointer.referenceId;
    }

    const bool kernelObject = value.isPointerTo(RegionKind::BtfObject) ||
                              (value.isPointer() && isSocket(value.pointer.region));
    if (kernelObject) {
      if (auto failed = checkKernelObjectArgument(state, r, parameter.type, rule))
        return failed;
      continue;
    }

    // Memory: a scalar (or a struct of scalars) of its size, or `size` bytes given by the
    // parameter after it (`__sz`, `__szk`).
    const KernelFunctionArgumentTag nextTag =
        i + 1 < count && prototype.parameters[i + 1].type.kind == TypeKind::Integer
            ? tagOfKernelFunctionArgument(prototype.parameters[i + 1].name)
            : KernelFunctionArgumentTag::None;
    const bool sized = nextTag == KernelFunctionArgumentTag::Size ||
                       nextTag == KernelFunctionArgumentTag::ConstantSize;
    const bool scalarPointee =
        parameter.type.kind == TypeKind::PointerToScalar ||
        (parameter.type.kind == TypeKind::PointerToStruct && parameter.type.pointeeIsScalarStruct);
    if (!scalarPointee && !(sized && parameter.type.kind == TypeKind::PointerToVoid))
      return refuse(Rule::HelperArgument, argument + " pointer type " +
                                              describeType(parameter.type) +
                                              " must point to scalar, or struct with scalar; " +
                                              registerName(r) + " is " + typeName(value));
    if (value.isNull()) {
      if (tag == KernelFunctionArgumentTag::Optional)
        continue;
      return refuse(Rule::NullDereference,
                    registerName(r) + " is NULL: " + argument + " is memory the kfunc uses");
    }
    if (!value.isPointer() || !acceptsAsMemory(value.pointer.region, true))
      return refuse(Rule::HelperArgument, registerName(r) + " type=" + typeName(value) +
                                              " expected=fp, pkt, pkt_meta, map_key, "
                                              "map_value, mem: " +
                                              argument + " is memory");
    std::uint64_t minimum = parameter.type.size, maximum = parameter.type.size;
    if (sized) {
      const unsigned sizeReg = r + 1;
      if (auto failed = readable(state, sizeReg))
        return failed;
      const RegisterValue &size = state.reg(sizeReg);
      if (!size.isScalar())
        return violation(Rule::HelperArgument,
                         registerName(sizeReg) + " is not a scalar: the size of " + argument, state,
                         {sizeReg});
      if (nextTag == KernelFunctionArgumentTag::ConstantSize && !isConstant(size.scalar))
        return violation(Rule::HelperArgument,
                         registerName(sizeReg) + " must be a known constant: the size of " +
                             argument + " (__szk) is " + describe(size.scalar),
                         state, {sizeReg});
      if (asSigned(size.scalar.signed64.minimum) < 0 ||
          size.scalar.unsigned64.maximum.bits >= maximumVariableSize)
        return violation(Rule::HelperArgument,
                         registerName(sizeReg) + " unbounded memory access: the size of " +
                             argument + " must be bounded and not negative",
                         state, {sizeReg});
      minimum = size.scalar.unsigned64.minimum.bits;
      maximum = size.scalar.unsigned64.maximum.bits;
    }
    // check_mem_reg: the kfunc may read and write it (a maybe-NULL pointer is checked as if
    // it were not NULL, as the kernel does).
    if (auto failed =
            checkHelperMemory(state, r, minimum, maximum, AccessKind::Read, "the memory argument"))
      return failed;
    if (auto failed =
            checkHelperMemory(state, r, minimum, maximum, AccessKind::Write, "the memory argument"))
      return failed;
    if (sized)
      ++i;
  }
  if (releases && facts.releasedReference == 0)
    return violation(Rule::InvalidRelease,
                     "release kernel function " + name +
                         " expects refcounted PTR_TO_BTF_ID: no argument holds a reference "
                         "this program acquired",
                     state, {1});
  return std::nullopt;
}

Check Analysis::checkKernelObjectArgument(const AbstractState &state, unsigned r,
                                          const KernelFunctionType &parameter,
                                          const KernelFunctionRule &rule) {
  const std::string argument = "arg#" + std::to_string(r - 1) + " of " + std::string(rule.name);
  const RegisterValue &value = state.reg(r);
  const PointerValue &pointer = value.pointer;
  const std::string name(rule.name);
  auto refuse = [&](Rule broken, std::string message) {
    return violation(broken, std::move(message) + releaseHistory(state, value), state, {r});
  };
  if (parameter.kind != TypeKind::PointerToStruct)
    return refuse(Rule::HelperArgument, "kernel function " + name + " " + argument +
                                            " pointer type " + describeType(parameter) +
                                            " is not supported for " + typeName(value));
  const std::string_view socket = socketStructOf(pointer.region);
  const bool referenced = pointer.referenceId != 0;
  // is_trusted_reg: referenced, a socket, or PTR_TRUSTED; is_rcu_reg: MEM_RCU.
  const bool trusted = referenced || !socket.empty() || pointer.trust == Trust::Trusted;
  if ((rule.flags & (KfTrustedArgs | KfRelease | KfRcu)) && !trusted) {
    if (!(rule.flags & KfRcu))
      return refuse(Rule::HelperArgument, registerName(r) + " must be referenced or trusted: " +
                                              argument + " is " + typeName(value));
    if (pointer.trust != Trust::Rcu)
      return refuse(Rule::HelperArgument, registerName(r) + " must be a rcu pointer: " + argument +
                                              " is " + typeName(value));
  }
  if (pointer.maybeNull || (socket.empty() && pointer.trust == Trust::Untrusted))
    return refuse(Rule::HelperArgument, argument + " is " + typeName(value) + " expected ptr_" +
                                            std::string(parameter.pointee) + " or socket");
  if (!isConstant(pointer.variableOffset) || pointer.variableOffset.bits.value.bits != 0)
    return refuse(Rule::VariableOffset,
                  "variable ptr_ access var_off=" + describe(pointer.variableOffset) +
                      " disallowed: " + argument + " must be at a constant offset");
  const bool releasing = (rule.flags & KfRelease) && referenced;
  if (releasing && pointer.fixedOffset != 0)
    return refuse(Rule::InvalidRelease, registerName(r) +
                                            " must have zero offset when passed to release func or "
                                            "trusted arg to kfunc");
  // btf_struct_ids_match: the struct at the pointer's offset, or one that starts with it;
  // acquiring and releasing kfuncs need the very type.
  const std::string_view actual = socket.empty() ? pointer.btfType : socket;
  const bool strict = (rule.flags & KfAcquire) || releasing;
  const bool sameType = pointer.fixedOffset == 0 && actual == parameter.pointee;
  const bool embedded =
      !strict && !sameType && pointer.fixedOffset >= 0 &&
      input.kernelTypes->structStartsWith(actual, static_cast<std::uint32_t>(pointer.fixedOffset),
                                          parameter.pointee);
  if (!sameType && !embedded)
    return refuse(Rule::HelperArgument,
                  "kernel function " + name + " args#" + std::to_string(r - 1) +
                      " expected pointer to STRUCT " + std::string(parameter.pointee) + " but " +
                      registerName(r) + " has a pointer to STRUCT " + std::string(actual) +
                      (pointer.fixedOffset != 0
                           ? " (at offset " + std::to_string(pointer.fixedOffset) + ")"
                           : std::string()));
  return std::nullopt;
}

} // namespace bpfcheck::absint::detail
