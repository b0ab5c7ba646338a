#include "TargetBtf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace bpfcheck {
namespace {

constexpr const char *KernelBtfPath = "/sys/kernel/btf/vmlinux";

void freeBtf(btf *types) {
  btf__free(types);
}

} // namespace

Expected<BtfHandle> parseBtfBytes(const void *data, std::size_t size, const std::string &where) {
  if (size > 0xffffffffu)
    return Error(where + ": BTF of " + std::to_string(size) + " bytes is too large");
  errno = 0;
  btf *types = btf__new(data, std::uint32_t(size));
  const long error = libbpf_get_error(types);
  if (!types || error)
    return Error(where + ": malformed BTF (" + std::strerror(int(error ? -error : EINVAL)) + ")");
  return BtfHandle(types, &freeBtf);
}

Expected<const btf *> TargetBtf::get(const std::string &purpose) {
  if (preloaded)
    return preloaded;
  if (!attempted) {
    attempted = true;
    const std::string file = path.empty() ? KernelBtfPath : path;
    if (path.empty() && access(KernelBtfPath, R_OK) != 0) {
      failure = std::string(KernelBtfPath) + " is not readable; give the target kernel's BTF "
                                             "with --btf FILE";
    } else {
      btf *types = btf__parse(file.c_str(), nullptr);
      const long error = libbpf_get_error(types);
      if (!types || error)
        failure = "cannot read target BTF '" + file + "': " +
                  std::strerror(int(error   ? -error
                                    : errno ? errno
                                            : EINVAL));
      else
        loaded = BtfHandle(types, &freeBtf);
    }
  }
  if (!loaded)
    return Error(purpose + " needs the target kernel's BTF, but " + failure);
  return static_cast<const btf *>(loaded.get());
}

} // namespace bpfcheck
