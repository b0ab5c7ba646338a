// Which program types (and, where the kernel distinguishes them, which expected attach
// types) may call each helper in Linux 6.18, for a privileged (root) loader: the kernel's
// per-type `get_func_proto` rules as a table (lib/HelperAvailability.cpp).
#pragma once

#include "bpfcheck/platform/Helpers.h"
#include "bpfcheck/platform/Types.h"

#include <optional>

namespace bpfcheck {

/// Whether a program of this type and expected attach type may call the helper.
bool helperAvailable(HelperId helper, ProgramType type, std::optional<AttachType> attach);

} // namespace bpfcheck
