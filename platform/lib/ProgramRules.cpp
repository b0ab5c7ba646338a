// Rows for ProgramRules.h. Facts from kernel/bpf/verifier.c (may_access_direct_pkt_data,
// may_access_skb) and include/linux/license.h (license_is_gpl_compatible) of Linux 6.18.

#include "bpfcheck/platform/ProgramRules.h"

#include <algorithm>
#include <array>

namespace bpfcheck {

namespace {

constexpr PacketAccessRule packetAccessRules[] = {
    // Read only.
    {ProgramType::LwtIn, true, false},
    {ProgramType::LwtOut, true, false},
    {ProgramType::LwtSeg6local, true, false},
    {ProgramType::SkReuseport, true, false},
    {ProgramType::FlowDissector, true, false},
    {ProgramType::CgroupSkb, true, false},
    // Read and write.
    {ProgramType::SchedCls, true, true},
    {ProgramType::SchedAct, true, true},
    {ProgramType::Xdp, true, true},
    {ProgramType::LwtXmit, true, true},
    {ProgramType::SkSkb, true, true},
    {ProgramType::SkMsg, true, true},
    {ProgramType::CgroupSockopt, true, true},
};

constexpr std::array legacyPacketLoadTypes = {ProgramType::SocketFilter, ProgramType::SchedCls,
                                              ProgramType::SchedAct};

constexpr std::array<std::string_view, 6> gplCompatibleLicenses = {
    "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL",
};

} // namespace

PacketAccessRule packetAccessOf(ProgramType type) {
  for (const PacketAccessRule &rule : packetAccessRules)
    if (rule.type == type)
      return rule;
  return {type, false, false};
}

bool legacyPacketLoadsAllowed(ProgramType type) {
  return std::find(legacyPacketLoadTypes.begin(), legacyPacketLoadTypes.end(), type) !=
         legacyPacketLoadTypes.end();
}

bool contextArgumentsTrusted(ProgramType type, std::optional<AttachType> attach) {
  switch (type) {
  case ProgramType::Tracing:
    return attach == AttachType::TraceRawTp || attach == AttachType::TraceIter;
  case ProgramType::StructOps:
    return true;
  default:
    // LSM hooks are trusted except a kernel list of hooks (untrusted_lsm_hooks) that the
    // tables do not carry: treated as not trusted, which only refuses more.
    return false;
  }
}

bool contextArgumentMayBeNull(ProgramType type, std::optional<AttachType> attach,
                              unsigned argument) {
  return type == ProgramType::Tracing && attach == AttachType::TraceIter && argument >= 1;
}

bool licenseIsGplCompatible(std::string_view license) {
  return std::find(gplCompatibleLicenses.begin(), gplCompatibleLicenses.end(), license) !=
         gplCompatibleLicenses.end();
}

} // namespace bpfcheck
