// The kernel's types read from its BTF (by default /sys/kernel/btf/vmlinux, or a file given
// with --btf), loaded on first use: the verifier's view of kernel structs and attach targets.
#pragma once

#include "bpfcheck/platform/KernelTypes.h"

#include <memory>
#include <string>

namespace bpfcheck {

class BtfKernelTypes final : public KernelTypes {
public:
  /// `path` empty: the running kernel's BTF.
  explicit BtfKernelTypes(std::string path = {});
  ~BtfKernelTypes() override;

  KernelField readField(std::string_view structName, std::uint32_t offset, std::uint32_t size,
                        bool untrusted) const override;
  std::optional<std::pair<std::uint32_t, std::uint32_t>>
  memberExtent(std::string_view structName, std::string_view memberPath) const override;
  std::optional<AttachTargetInfo> attachTarget(ProgramType type, std::optional<AttachType> attach,
                                               std::string_view target,
                                               std::string_view structOpsType,
                                               std::string_view structOpsMember) const override;
  std::optional<KernelFunctionPrototype> kernelFunction(std::uint32_t btfId) const override;
  bool structStartsWith(std::string_view outer, std::uint32_t offset,
                        std::string_view inner) const override;
  std::optional<KernelTypeName> typeName(std::uint32_t btfId) const override;

private:
  struct Loaded;
  std::unique_ptr<Loaded> loaded;
};

} // namespace bpfcheck
