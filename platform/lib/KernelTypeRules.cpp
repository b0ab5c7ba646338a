// Rows for the kernel-type rules of KernelTypes.h: the BTF_TYPE_SAFE_RCU / _RCU_OR_NULL /
// _TRUSTED / _TRUSTED_OR_NULL allow lists of kernel/bpf/verifier.c and the struct_ops
// rules of net/ipv4/bpf_tcp_ca.c (bpf_tcp_ca_is_valid_access, bpf_tcp_ca_btf_struct_access)
// of Linux 6.18.

#include "bpfcheck/platform/KernelTypes.h"

namespace bpfcheck {

namespace {

struct TrustedFieldRow {
  std::string_view structName;
  std::string_view member;
  FieldTrust trust;
};

constexpr TrustedFieldRow trustedFields[] = {
    {"task_struct", "cpus_ptr", FieldTrust::Rcu},
    {"task_struct", "cgroups", FieldTrust::Rcu},
    {"task_struct", "real_parent", FieldTrust::Rcu},
    {"task_struct", "group_leader", FieldTrust::Rcu},
    {"cgroup", "kn", FieldTrust::Rcu},
    {"css_set", "dfl_cgrp", FieldTrust::Rcu},
    {"cgroup_subsys_state", "cgroup", FieldTrust::Rcu},
    {"mm_struct", "exe_file", FieldTrust::RcuOrNull},
    {"mm_struct", "owner", FieldTrust::RcuOrNull},
    {"sk_buff", "sk", FieldTrust::RcuOrNull},
    {"request_sock", "sk", FieldTrust::RcuOrNull},
    {"bpf_iter_meta", "seq", FieldTrust::Trusted},
    {"bpf_iter__task", "meta", FieldTrust::Trusted},
    {"bpf_iter__task", "task", FieldTrust::Trusted},
    {"linux_binprm", "file", FieldTrust::Trusted},
    {"file", "f_inode", FieldTrust::Trusted},
    {"socket", "sk", FieldTrust::TrustedOrNull},
    {"dentry", "d_inode", FieldTrust::TrustedOrNull},
    {"vm_area_struct", "vm_file", FieldTrust::TrustedOrNull},
};

struct PromotionRow {
  std::string_view structOpsType;
  std::string_view from;
  std::string_view to;
};

constexpr PromotionRow promotions[] = {
    {"tcp_congestion_ops", "sock", "tcp_sock"},
};

constexpr WritableKernelField writableFields[] = {
    {"tcp_congestion_ops", "tcp_sock", "sock", "sk_pacing_rate", false},
    {"tcp_congestion_ops", "tcp_sock", "sock", "sk_pacing_status", false},
    {"tcp_congestion_ops", "tcp_sock", "inet_connection_sock", "icsk_ca_priv", true},
    {"tcp_congestion_ops", "tcp_sock", "inet_connection_sock", "icsk_ack.pending", false},
    {"tcp_congestion_ops", "tcp_sock", "tcp_sock", "snd_cwnd", false},
    {"tcp_congestion_ops", "tcp_sock", "tcp_sock", "snd_cwnd_cnt", false},
    {"tcp_congestion_ops", "tcp_sock", "tcp_sock", "snd_cwnd_stamp", false},
    {"tcp_congestion_ops", "tcp_sock", "tcp_sock", "snd_ssthresh", false},
    {"tcp_congestion_ops", "tcp_sock", "tcp_sock", "ecn_flags", false},
    {"tcp_congestion_ops", "tcp_sock", "tcp_sock", "app_limited", false},
};

} // namespace

FieldTrust trustOfPointerField(std::string_view structName, std::string_view member) {
  for (const TrustedFieldRow &row : trustedFields)
    if (row.structName == structName && row.member == member)
      return row.trust;
  return FieldTrust::Unlisted;
}

std::string_view promotedArgumentStruct(std::string_view structOpsType,
                                        std::string_view argumentStruct) {
  for (const PromotionRow &row : promotions)
    if (row.structOpsType == structOpsType && row.from == argumentStruct)
      return row.to;
  return argumentStruct;
}

std::span<const WritableKernelField> allWritableKernelFields() {
  return writableFields;
}

} // namespace bpfcheck
