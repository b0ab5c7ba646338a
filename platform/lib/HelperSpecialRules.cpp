// Rows for the helper rules check_helper_call applies beyond the prototypes (Helpers.h), from
// kernel/bpf/verifier.c of Linux 6.18.

#include "bpfcheck/platform/Helpers.h"

namespace bpfcheck {

namespace {

constexpr RequiredZeroArgument requiredZeroArguments[] = {
    {HelperId::GetLocalStorage, 2, "get_local_storage() doesn't support non-zero flags"},
};

} // namespace

const RequiredZeroArgument *findRequiredZeroArgument(HelperId helper) {
  for (const RequiredZeroArgument &row : requiredZeroArguments)
    if (row.helper == helper)
      return &row;
  return nullptr;
}

} // namespace bpfcheck
