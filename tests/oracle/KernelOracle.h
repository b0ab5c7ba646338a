// The kernel oracle: loads a program that bpfcheck's frontend produced into the running
// kernel (maps created with BPF_MAP_CREATE, the program with BPF_PROG_LOAD, BTF and
// func/line info included as libbpf would pass them) and reports the real verifier's
// verdict, its log, the time it took and the instructions it processed; and runs accepted
// programs with BPF_PROG_TEST_RUN.
#pragma once

#include "bpfcheck/frontend/Object.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

/// What BPF_PROG_TEST_RUN receives: data_in, ctx_in (each may be empty) and repeat.
struct TestRunInput {
  std::vector<std::byte> packet;
  std::vector<std::byte> context;
  std::uint32_t repeat = 1;
};

/// What BPF_PROG_TEST_RUN gave: the load's result, and when the run happened its retval,
/// data_out, ctx_out and the average duration per run the kernel measured.
struct KernelTestRun {
  KernelResult load;
  bool ran = false;
  int error = 0; ///< errno of BPF_PROG_TEST_RUN when it failed
  std::uint32_t returnValue = 0;
  std::vector<std::byte> packetOut;
  std::vector<std::byte> contextOut;
  std::uint32_t durationNanoseconds = 0;
};

/// Loads `program` (with fresh maps holding the object's initial data) and runs it once per
/// `input.repeat` with BPF_PROG_TEST_RUN.
KernelTestRun testRunInKernel(const Object &object, const Program &program,
                              const TestRunInput &input);

const char *nameOf(KernelVerdict verdict);

} // namespace bpfcheck::oracle
