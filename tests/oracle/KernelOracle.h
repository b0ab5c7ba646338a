// The kernel oracle: loads a program that bpfcheck's frontend produced into the running
// kernel (maps created with BPF_MAP_CREATE, the program with BPF_PROG_LOAD, BTF and
// func/line info included as libbpf would pass them) and reports the real verifier's
// verdict, its log, the time it took and the instructions it processed.
#pragma once

#include "bpfcheck/frontend/Object.h"

#include <cstdint>
#include <optional>
#include <string>

namespace bpfcheck::oracle {

enum class KernelVerdict {
  Accepted,
  Rejected,    ///< the verifier refused the program (its log says why)
  Environment, ///< refused before verification for a reason of this machine (e.g. EPERM)
  Unsupported, ///< the oracle cannot prepare this program (reason in `problem`)
};

struct KernelResult {
  KernelVerdict verdict = KernelVerdict::Unsupported;
  int error = 0;                      ///< errno of BPF_PROG_LOAD when refused
  std::string log;                    ///< the verifier log (level 1, with statistics)
  std::string problem;                ///< for Environment / Unsupported: why
  std::uint64_t timeMicroseconds = 0; ///< wall time of BPF_PROG_LOAD
  std::optional<std::uint64_t> processedInstructions; ///< from "processed N insns"
};

/// Whether this process may use bpf() (root with the capabilities); `why` says otherwise.
bool kernelAvailable(std::string &why);

/// Loads `program` of `object` into the kernel and closes everything again.
KernelResult loadInKernel(const Object &object, const Program &program);

const char *nameOf(KernelVerdict verdict);

} // namespace bpfcheck::oracle
