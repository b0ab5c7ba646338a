// Names and descriptions of the interpreter's enumerations and regions, for messages.
#include "bpfcheck/interp/MemoryRegion.h"
#include "bpfcheck/interp/Operation.h"
#include "bpfcheck/interp/RunResult.h"

#include <cstdio>

namespace bpfcheck::interp {

std::string_view operationName(Operation operation) {
  static constexpr std::string_view names[] = {
#define BPFCHECK_OPERATION(Name) #Name,
#include "bpfcheck/interp/Operations.def"
#undef BPFCHECK_OPERATION
  };
  const auto index = std::size_t(operation);
  return index < std::size(names) ? names[index] : "?";
}

std::string_view regionKindName(RegionKind kind) {
  switch (kind) {
  case RegionKind::Stack:
    return "stack";
  case RegionKind::Context:
    return "ctx";
  case RegionKind::Packet:
    return "packet";
  case RegionKind::Input:
    return "input memory";
  case RegionKind::MapValue:
    return "map value";
  case RegionKind::HelperMemory:
    return "helper memory";
  }
  return "region";
}

std::string_view accessKindName(AccessKind kind) {
  switch (kind) {
  case AccessKind::Read:
    return "read";
  case AccessKind::Write:
    return "write";
  case AccessKind::ReadWrite:
    return "atomic read-modify-write";
  }
  return "access";
}

std::string_view violationReasonName(ViolationReason reason) {
  switch (reason) {
  case ViolationReason::OutsideEveryRegion:
    return "outside every region";
  case ViolationReason::PastRegionBounds:
    return "past the region's bounds";
  case ViolationReason::ReadOnlyRegion:
    return "read-only region";
  case ViolationReason::DeadStackFrame:
    return "dead stack frame";
  case ViolationReason::AcrossStackFrames:
    return "across stack frames";
  case ViolationReason::Misaligned:
    return "misaligned atomic";
  }
  return "refused";
}

std::string_view faultKindName(FaultKind kind) {
  switch (kind) {
  case FaultKind::MemoryViolation:
    return "memory violation";
  case FaultKind::BudgetExhausted:
    return "instruction budget exhausted";
  case FaultKind::CallDepthExceeded:
    return "call depth exceeded";
  case FaultKind::HelperNotProvided:
    return "helper not provided";
  case FaultKind::HelperFailed:
    return "helper failed";
  case FaultKind::BadCallTarget:
    return "bad call target";
  case FaultKind::InvalidProgram:
    return "invalid program";
  }
  return "fault";
}

std::string MemoryRegion::describe() const {
  char range[64];
  std::snprintf(range, sizeof range, "[0x%llx, +%llu)", static_cast<unsigned long long>(address),
                static_cast<unsigned long long>(size));
  std::string text(regionKindName(kind));
  if (!label.empty())
    text += " '" + label + "'";
  text += " ";
  text += range;
  if (!writable)
    text += ", read-only";
  return text;
}

} // namespace bpfcheck::interp
