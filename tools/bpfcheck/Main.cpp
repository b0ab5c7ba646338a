// bpfcheck's command line: subcommands in the style of bpftool and veristat, options
// parsed with llvm::cl, errors printed as "bpfcheck: error: ..." with exit status 2.
#include "Commands.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/raw_ostream.h>

#include <optional>

using namespace llvm;
using namespace bpfcheck;

namespace {

const char *Overview = R"(bpfcheck - an offline, formally checked verifier for eBPF programs

  bpfcheck prove-domain [--op NAME] [--timeout SECONDS]
      Prove with Z3 that every operator of bpfcheck's abstract domain (tnums, the four
      interval flavours, their reduction, every ALU operation, every branch refinement,
      sign extension, byte swaps) is sound against the ISA's semantics, for all inputs.

  bpfcheck dump OBJ [-p PROG] [--cfg dot]
      Show what bpfcheck reads from a BPF ELF object built by clang (-target bpf):
      its programs (section, program type, attach type, instruction count, functions),
      its maps (type, key/value size, max entries, flags, inner map, pinning), the
      relocations applied, and the disassembly in llvm-objdump syntax interleaved with
      the source lines recorded in .BTF.ext. --cfg dot prints the control-flow graph of
      each program in Graphviz's dot language instead (render with `dot -Tsvg`).

Program types come from libbpf's SEC() names (xdp, tc, kprobe/..., cgroup/connect4,
...); use --type and --attach-type (bpftool's names, e.g. --type sched_cls) for sections
without a known name. CO-RE relocations and kfunc calls are resolved against the
kernel BTF given with --btf FILE, by default /sys/kernel/btf/vmlinux.

Exit status: 0 success, 1 a program was rejected, 2 bad input or usage.
)";

cl::OptionCategory BpfcheckOptions("bpfcheck options");

cl::SubCommand DumpCommand("dump", "Show an object's programs, maps, relocations and code");

cl::SubCommand ProveDomainCommand(
    "prove-domain", "Prove every abstract-domain operator sound with Z3, with the time each takes");
cl::opt<std::string> OperatorFilter("op", cl::desc("Only proofs whose name contains NAME"),
                                    cl::value_desc("NAME"), cl::sub(ProveDomainCommand),
                                    cl::cat(BpfcheckOptions));
cl::opt<unsigned> ProofTimeout("timeout", cl::desc("Seconds allowed for each proof (default 120)"),
                               cl::init(120), cl::sub(ProveDomainCommand),
                               cl::cat(BpfcheckOptions));

cl::opt<bool> AllProofs("all",
                        cl::desc("Also the proofs that take Z3 more than minutes (64-bit "
                                 "multiplication and division)"),
                        cl::sub(ProveDomainCommand), cl::cat(BpfcheckOptions));

cl::opt<std::string> ObjectPath(cl::Positional, cl::desc("<object.o>"), cl::Required,
                                cl::sub(DumpCommand), cl::cat(BpfcheckOptions));
cl::opt<std::string> ProgramName("p", cl::desc("Only the program with this name"),
                                 cl::value_desc("PROG"), cl::sub(DumpCommand),
                                 cl::cat(BpfcheckOptions));
cl::alias ProgramNameLong("program", cl::aliasopt(ProgramName), cl::desc("Alias for -p"));
cl::opt<std::string> CfgFormat("cfg", cl::desc("Print the control-flow graph (format: dot)"),
                               cl::value_desc("dot"), cl::sub(DumpCommand),
                               cl::cat(BpfcheckOptions));
cl::opt<bool> Alu32("alu32",
                    cl::desc("Name sub-registers in 32-bit loads and stores (w0 = *(u32 *)...), "
                             "as llvm-objdump --mcpu=v3 does"),
                    cl::sub(DumpCommand), cl::cat(BpfcheckOptions));
cl::opt<std::string> BtfPath("btf", cl::desc("Target kernel BTF for CO-RE and kfuncs"),
                             cl::value_desc("FILE"), cl::sub(DumpCommand),
                             cl::cat(BpfcheckOptions));
cl::opt<std::string> TypeName("type", cl::desc("Program type for every program (bpftool name)"),
                              cl::value_desc("TYPE"), cl::sub(DumpCommand),
                              cl::cat(BpfcheckOptions));
cl::opt<std::string> AttachTypeName("attach-type", cl::desc("Expected attach type (bpftool name)"),
                                    cl::value_desc("TYPE"), cl::sub(DumpCommand),
                                    cl::cat(BpfcheckOptions));

int usageError(const std::string &message) {
  errs() << "bpfcheck: error: " << message << "\n";
  return tool::ExitBadInput;
}

/// Fills the load options shared by the subcommands; a message when a name is unknown.
std::optional<std::string> readLoadOptions(LoadOptions &load) {
  load.targetBtfPath = BtfPath;
  if (!TypeName.empty()) {
    load.programType = programTypeNamed(TypeName);
    if (!load.programType)
      return "unknown program type '" + TypeName +
             "' (use bpftool's names: xdp, sched_cls, "
             "kprobe, cgroup_sock_addr, ...)";
  }
  if (!AttachTypeName.empty()) {
    load.attachType = attachTypeNamed(AttachTypeName);
    if (!load.attachType)
      return "unknown attach type '" + AttachTypeName +
             "' (use bpftool's names: cgroup_inet4_connect, xdp, ...)";
  }
  return std::nullopt;
}

} // namespace

int main(int argc, char **argv) {
  cl::HideUnrelatedOptions(BpfcheckOptions);
  if (!cl::ParseCommandLineOptions(argc, argv, Overview, &errs()))
    return tool::ExitBadInput;

  if (ProveDomainCommand)
    return tool::runProveDomain({OperatorFilter, ProofTimeout, AllProofs});
  if (DumpCommand) {
    tool::DumpOptions options;
    options.objectPath = ObjectPath;
    options.programName = ProgramName;
    options.alu32Registers = Alu32;
    if (!CfgFormat.empty() && CfgFormat != "dot")
      return usageError("unknown --cfg format '" + CfgFormat + "' (supported: dot)");
    options.cfgDot = CfgFormat == "dot";
    if (auto problem = readLoadOptions(options.load))
      return usageError(*problem);
    return tool::runDump(options);
  }
  return usageError("no command given; run 'bpfcheck --help' (commands: dump, prove-domain)");
}
