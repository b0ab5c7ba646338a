// Rows for AttachTargets.h: bpf_lsm_disabled_hooks, bool_lsm_hooks and sleepable_lsm_hooks
// of kernel/bpf/bpf_lsm.c, and btf_allowlist_d_path with bpf_d_path_allowed of
// kernel/trace/bpf_trace.c, as in Linux 6.18 built with the configuration Debian uses
// (CONFIG_SECURITY, _PATH, _NETWORK, _NETWORK_XFRM, CONFIG_KEYS and CONFIG_AUDIT set).
// Later kernels also disable file_alloc_security. Whether 6.18 does could not be checked
// (LSM programs cannot be loaded on the machines this project is tested on); it stays
// attachable here, as the kernel selftests bpfcheck is checked against expect.

#include "bpfcheck/platform/AttachTargets.h"

#include <algorithm>
#include <span>

namespace bpfcheck {
namespace {

constexpr std::string_view disabledLsmHooks[] = {
    "vm_enough_memory",    "inode_need_killpriv", "inode_getsecurity", "inode_listsecurity",
    "inode_copy_up_xattr", "getselfattr",         "getprocattr",       "setprocattr",
    "key_getsecurity",     "audit_rule_match",    "ismaclabel",
};

constexpr std::string_view booleanLsmHooks[] = {
    "xfrm_state_pol_flow_match",
    "audit_rule_known",
    "inode_xattr_skipcap",
};

constexpr std::string_view sleepableLsmHooks[] = {
    "bpf",
    "bpf_map",
    "bpf_map_create",
    "bpf_map_free",
    "bpf_prog",
    "bpf_prog_load",
    "bpf_prog_free",
    "bpf_token_create",
    "bpf_token_free",
    "bpf_token_cmd",
    "bpf_token_capable",
    "bprm_check_security",
    "bprm_committed_creds",
    "bprm_committing_creds",
    "bprm_creds_for_exec",
    "bprm_creds_from_file",
    "capget",
    "capset",
    "cred_prepare",
    "file_ioctl",
    "file_lock",
    "file_open",
    "file_post_open",
    "file_receive",
    "inode_create",
    "inode_free_security",
    "inode_getattr",
    "inode_getxattr",
    "inode_mknod",
    "inode_need_killpriv",
    "inode_post_setxattr",
    "inode_post_removexattr",
    "inode_readlink",
    "inode_removexattr",
    "inode_rename",
    "inode_rmdir",
    "inode_setattr",
    "inode_setxattr",
    "inode_symlink",
    "inode_unlink",
    "kernel_module_request",
    "kernel_read_file",
    "kernfs_init_security",
    "path_unlink",
    "path_mkdir",
    "path_rmdir",
    "path_truncate",
    "path_symlink",
    "path_link",
    "path_rename",
    "path_chmod",
    "path_chown",
    "mmap_file",
    "netlink_send",
    "path_notify",
    "release_secctx",
    "sb_alloc_security",
    "sb_eat_lsm_opts",
    "sb_kern_mount",
    "sb_mount",
    "sb_remount",
    "sb_set_mnt_opts",
    "sb_show_options",
    "sb_statfs",
    "sb_umount",
    "settime",
    "inet_conn_established",
    "socket_accept",
    "socket_bind",
    "socket_connect",
    "socket_create",
    "socket_getpeername",
    "socket_getpeersec_dgram",
    "socket_getsockname",
    "socket_getsockopt",
    "socket_listen",
    "socket_post_create",
    "socket_recvmsg",
    "socket_sendmsg",
    "socket_shutdown",
    "socket_socketpair",
    "syslog",
    "task_alloc",
    "task_prctl",
    "task_setscheduler",
    "task_to_inode",
    "userns_create",
};

/// Kernel functions whose fentry/fexit/fmod_ret programs may call bpf_d_path: their path
/// arguments are known to be valid.
constexpr std::string_view dPathFunctions[] = {
    "security_file_permission",
    "security_inode_getattr",
    "security_file_open",
    "security_path_truncate",
    "vfs_truncate",
    "vfs_fallocate",
    "dentry_open",
    "vfs_getattr",
    "filp_close",
};

bool listed(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

LsmHookKind lsmHookKind(std::string_view hook) {
  if (listed(disabledLsmHooks, hook))
    return LsmHookKind::Disabled;
  if (listed(booleanLsmHooks, hook))
    return LsmHookKind::ReturnsBoolean;
  return LsmHookKind::Ordinary;
}

bool lsmHookMaySleep(std::string_view hook) {
  return listed(sleepableLsmHooks, hook);
}

std::vector<std::string_view> listedLsmHooks() {
  std::vector<std::string_view> hooks;
  for (std::span<const std::string_view> table :
       {std::span<const std::string_view>(disabledLsmHooks),
        std::span<const std::string_view>(booleanLsmHooks),
        std::span<const std::string_view>(sleepableLsmHooks)})
    hooks.insert(hooks.end(), table.begin(), table.end());
  return hooks;
}

std::span<const std::string_view> dPathAllowedFunctions() {
  return dPathFunctions;
}

bool helperAllowedAtTarget(HelperId helper, ProgramType type, std::optional<AttachType> attach,
                           std::string_view target) {
  switch (helper) {
  case HelperId::DPath: // bpf_d_path_allowed
    if (type == ProgramType::Tracing && attach == AttachType::TraceIter)
      return true;
    if (type == ProgramType::Lsm)
      return lsmHookMaySleep(target);
    return listed(dPathFunctions, target);
  case HelperId::ImaInodeHash: // bpf_ima_inode_hash_allowed
  case HelperId::ImaFileHash:
    return type != ProgramType::Lsm || lsmHookMaySleep(target);
  default:
    return true;
  }
}

} // namespace bpfcheck
