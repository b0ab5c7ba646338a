// The attach-target tables (AttachTargets.h): the kernel's decisions for a few hooks and
// functions the selftests exercise, and every name in the tables against the running
// kernel's BTF, where a stale or misspelt name would show as a missing bpf_lsm_ function.
#include "bpfcheck/platform/AttachTargets.h"

#include <bpf/btf.h>
#include <doctest/doctest.h>

#include <memory>
#include <string>

using namespace bpfcheck;

TEST_CASE("attach targets: disabled and boolean LSM hooks") {
  CHECK(lsmHookKind("setprocattr") == LsmHookKind::Disabled);
  CHECK(lsmHookKind("ismaclabel") == LsmHookKind::Disabled);
  CHECK(lsmHookKind("audit_rule_known") == LsmHookKind::ReturnsBoolean);
  CHECK(lsmHookKind("file_open") == LsmHookKind::Ordinary);
  CHECK(lsmHookKind("file_alloc_security") == LsmHookKind::Ordinary);
  CHECK(lsmHookMaySleep("file_open"));
  CHECK_FALSE(lsmHookMaySleep("file_permission"));
}

TEST_CASE("attach targets: bpf_d_path only where the path is known valid") {
  const auto fentry = AttachType::TraceFentry;
  CHECK(helperAllowedAtTarget(HelperId::DPath, ProgramType::Tracing, fentry, "dentry_open"));
  CHECK_FALSE(helperAllowedAtTarget(HelperId::DPath, ProgramType::Tracing, fentry, "d_path"));
  CHECK(helperAllowedAtTarget(HelperId::DPath, ProgramType::Tracing, AttachType::TraceIter,
                              "task_file"));
  CHECK(helperAllowedAtTarget(HelperId::DPath, ProgramType::Lsm, AttachType::LsmMac, "file_open"));
  CHECK_FALSE(helperAllowedAtTarget(HelperId::DPath, ProgramType::Lsm, AttachType::LsmMac,
                                    "file_permission"));
  CHECK_FALSE(helperAllowedAtTarget(HelperId::ImaFileHash, ProgramType::Lsm, AttachType::LsmMac,
                                    "file_permission"));
  // Helpers without an `allowed` callback do not look at the target.
  CHECK(helperAllowedAtTarget(HelperId::MapLookupElem, ProgramType::Tracing, fentry, "d_path"));
}

TEST_CASE("attach targets: every listed hook and function exists in the kernel's BTF") {
  std::unique_ptr<btf, void (*)(btf *)> vmlinux(btf__load_vmlinux_btf(), &btf__free);
  if (!vmlinux) {
    // ctest reports this as skipped (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt).
    MESSAGE("SKIPPED: cannot read the kernel's BTF (/sys/kernel/btf/vmlinux)");
    return;
  }
  for (std::string_view hook : listedLsmHooks()) {
    const std::string name = "bpf_lsm_" + std::string(hook);
    INFO(name);
    CHECK(btf__find_by_name_kind(vmlinux.get(), name.c_str(), BTF_KIND_FUNC) > 0);
  }
  for (std::string_view function : dPathAllowedFunctions()) {
    const std::string name(function);
    INFO(name);
    CHECK(btf__find_by_name_kind(vmlinux.get(), name.c_str(), BTF_KIND_FUNC) > 0);
  }
}
