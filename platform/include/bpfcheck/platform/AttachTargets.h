// Rules that depend on the kernel function or LSM hook a program attaches to (Linux 6.18):
// LSM hooks BPF may not attach to, hooks returning bool, hooks that may sleep, and the
// helpers whose `allowed` callback looks at the target (bpf_d_path, bpf_ima_*_hash). Rows in
// lib/AttachTargets.cpp.
#pragma once

#include "bpfcheck/platform/Helpers.h"
#include "bpfcheck/platform/Types.h"

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace bpfcheck {

/// What the kernel makes of an LSM hook as an attach target (hooks named without the
/// `bpf_lsm_` prefix, as in `SEC("lsm/file_open")`).
enum class LsmHookKind : std::uint8_t {
  Ordinary,       ///< returns 0 or a negative errno (or nothing)
  ReturnsBoolean, ///< bool_lsm_hooks: returns 0 or 1
  Disabled,       ///< bpf_lsm_disabled_hooks: "points to disabled hook"
};
LsmHookKind lsmHookKind(std::string_view hook);

/// Whether the LSM hook is in sleepable_lsm_hooks (called where BPF programs may sleep).
bool lsmHookMaySleep(std::string_view hook);

/// Whether a program attached to `target` may call the helper, as far as the helper's
/// `allowed` callback decides (true for helpers without one). The program type and attach
/// type must already allow the helper (helperAvailable).
bool helperAllowedAtTarget(HelperId helper, ProgramType type, std::optional<AttachType> attach,
                           std::string_view target);

/// Every hook the tables above name, and the kernel functions bpf_d_path is allowed at: for
/// checking the tables against a kernel's BTF.
std::vector<std::string_view> listedLsmHooks();
std::span<const std::string_view> dPathAllowedFunctions();

} // namespace bpfcheck
