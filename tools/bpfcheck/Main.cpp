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

  bpfcheck verify OBJ... [-p PROG] [--format text|table|json|sarif] [--unprivileged]
      Decide for every program of the object whether the kernel's verifier rules hold:
      memory, pointer, reference and termination safety, helper calls checked against the
      Linux 6.18 prototypes, context accesses against the program type's layout. Prints
      accept / reject / too_complex per program; each rejection names file:line:col, the
      instruction, the rule broken and the registers involved. Budgets: --max-insns,
      --max-states, --timeout-ms, --max-memory-mb. Loops are walked iteration by
      iteration as the kernel does; when that runs out of budget they are summarised
      (widened at their heads) and each must be proven to end within 2^23 iterations
      (--loops auto|unroll|summarize).

  bpfcheck run OBJ -p PROG [--packet FILE] [--ctx FILE.json] [--repeat N] [--checked]
              [--unverified] [--format text|json]
      Run one program in bpfcheck's interpreter with its maps, helpers and a context
      built as BPF_PROG_TEST_RUN builds it: --packet is the frame (Ethernet header first)
      for socket-buffer and XDP programs; --ctx sets context fields ({"mark": 1,
      "cb": [1,2,3,4,5]}, {"ingress_ifindex": 1}, {"args": [1, 2]}). Prints the return
      value, the packet out, trace lines, redirects and the time per run. Only programs
      bpfcheck accepts run, unless --unverified (then every access is checked and the run
      has an instruction budget); --checked checks accesses of accepted programs too.

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

cl::SubCommand VerifyCommand("verify", "Verify every program of an object");

cl::SubCommand RunCommand("run", "Run a program in bpfcheck's interpreter");
cl::opt<std::string> RunObject(cl::Positional, cl::desc("<object.o>"), cl::Required,
                               cl::sub(RunCommand), cl::cat(BpfcheckOptions));
cl::opt<std::string> RunProgram("p", cl::desc("The program to run"), cl::value_desc("PROG"),
                                cl::Required, cl::sub(RunCommand), cl::cat(BpfcheckOptions));
cl::opt<std::string> PacketPath("packet", cl::desc("The frame to run on (raw bytes)"),
                                cl::value_desc("FILE"), cl::sub(RunCommand),
                                cl::cat(BpfcheckOptions));
cl::opt<std::string> ContextPath("ctx", cl::desc("Context fields to set (JSON)"),
                                 cl::value_desc("FILE.json"), cl::sub(RunCommand),
                                 cl::cat(BpfcheckOptions));
cl::opt<unsigned> Repeat("repeat", cl::desc("Run N times (maps keep their contents)"), cl::init(1),
                         cl::value_desc("N"), cl::sub(RunCommand), cl::cat(BpfcheckOptions));
cl::opt<bool> Checked("checked", cl::desc("Check every memory access"), cl::sub(RunCommand),
                      cl::cat(BpfcheckOptions));
cl::opt<bool> Unverified("unverified",
                         cl::desc("Run even if bpfcheck rejects the program (checked, budgeted)"),
                         cl::sub(RunCommand), cl::cat(BpfcheckOptions));
cl::opt<std::string> RunFormat("format", cl::desc("Output format: text (default) or json"),
                               cl::value_desc("text|json"), cl::init("text"), cl::sub(RunCommand),
                               cl::cat(BpfcheckOptions));

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
cl::list<std::string> VerifyObjects(cl::Positional, cl::desc("<object.o>..."), cl::OneOrMore,
                                    cl::sub(VerifyCommand), cl::cat(BpfcheckOptions));
cl::opt<std::string> ProgramName("p", cl::desc("Only the program with this name"),
                                 cl::value_desc("PROG"), cl::sub(DumpCommand),
                                 cl::sub(VerifyCommand), cl::cat(BpfcheckOptions));
cl::alias ProgramNameLong("program", cl::aliasopt(ProgramName), cl::desc("Alias for -p"));
cl::opt<std::string> CfgFormat("cfg", cl::desc("Print the control-flow graph (format: dot)"),
                               cl::value_desc("dot"), cl::sub(DumpCommand),
                               cl::cat(BpfcheckOptions));
cl::opt<bool> Alu32("alu32",
                    cl::desc("Name sub-registers in 32-bit loads and stores (w0 = *(u32 *)...), "
                             "as llvm-objdump --mcpu=v3 does"),
                    cl::sub(DumpCommand), cl::cat(BpfcheckOptions));
cl::opt<std::string> BtfPath("btf", cl::desc("Target kernel BTF for CO-RE and kfuncs"),
                             cl::value_desc("FILE"), cl::sub(DumpCommand), cl::sub(VerifyCommand),
                             cl::sub(RunCommand), cl::cat(BpfcheckOptions));
cl::opt<std::string> TypeName("type", cl::desc("Program type for every program (bpftool name)"),
                              cl::value_desc("TYPE"), cl::sub(DumpCommand), cl::sub(VerifyCommand),
                              cl::cat(BpfcheckOptions));
cl::opt<std::string> AttachTypeName("attach-type", cl::desc("Expected attach type (bpftool name)"),
                                    cl::value_desc("TYPE"), cl::sub(DumpCommand),
                                    cl::sub(VerifyCommand), cl::cat(BpfcheckOptions));

cl::opt<std::string> Format("format",
                            cl::desc("Output format: text (default), table, json or sarif"),
                            cl::value_desc("text|table|json|sarif"), cl::init("text"),
                            cl::sub(VerifyCommand), cl::cat(BpfcheckOptions));
cl::opt<bool> Unprivileged("unprivileged",
                           cl::desc("Apply the rules for loaders without CAP_BPF and CAP_PERFMON"),
                           cl::sub(VerifyCommand), cl::cat(BpfcheckOptions));
cl::opt<std::string> Loops("loops",
                           cl::desc("How loops are analysed: unroll (each iteration, as the kernel "
                                    "does), summarize (widened, each proven to end), auto (unroll, "
                                    "summarize when that runs out of budget; the default)"),
                           cl::value_desc("auto|unroll|summarize"), cl::init("auto"),
                           cl::sub(VerifyCommand), cl::cat(BpfcheckOptions));
cl::opt<bool> Invariants("invariants", cl::desc("Print the abstract state before each instruction"),
                         cl::sub(VerifyCommand), cl::cat(BpfcheckOptions));
cl::opt<std::uint64_t> MaxInsns("max-insns",
                                cl::desc("Budget of instructions processed (default 1000000)"),
                                cl::init(1'000'000), cl::sub(VerifyCommand),
                                cl::cat(BpfcheckOptions));
cl::opt<std::uint64_t> MaxStates("max-states", cl::desc("Budget of kept states (default 1000000)"),
                                 cl::init(1'000'000), cl::sub(VerifyCommand),
                                 cl::cat(BpfcheckOptions));
cl::opt<std::uint64_t> TimeoutMs("timeout-ms",
                                 cl::desc("Time budget per program in ms (default 60000)"),
                                 cl::init(60'000), cl::sub(VerifyCommand),
                                 cl::cat(BpfcheckOptions));
cl::opt<std::uint64_t> MaxMemoryMb("max-memory-mb",
                                   cl::desc("Memory budget for kept states in MiB (default 4096)"),
                                   cl::init(4096), cl::sub(VerifyCommand),
                                   cl::cat(BpfcheckOptions));
cl::opt<bool> NoSmt("no-smt",
                    cl::desc("Do not ask Z3 about what the abstract domain cannot prove (such "
                             "programs are rejected with the abstract check's message)"),
                    cl::sub(VerifyCommand), cl::cat(BpfcheckOptions));
cl::opt<unsigned> SmtTimeoutMs("smt-timeout-ms",
                               cl::desc("Z3's time per obligation in ms (default 5000)"),
                               cl::init(5000), cl::sub(VerifyCommand), cl::cat(BpfcheckOptions));
cl::opt<std::uint64_t> SmtBudgetMs("smt-budget-ms",
                                   cl::desc("Z3's time per program in ms (default 30000)"),
                                   cl::init(30'000), cl::sub(VerifyCommand),
                                   cl::cat(BpfcheckOptions));
cl::opt<std::string> CounterexampleDirectory(
    "counterexample",
    cl::desc("Write the input Z3 found for each rejected program to DIR/PROGRAM.json"),
    cl::value_desc("DIR"), cl::sub(VerifyCommand), cl::cat(BpfcheckOptions));

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
  if (RunCommand) {
    tool::RunOptions options;
    options.objectPath = RunObject;
    options.programName = RunProgram;
    options.packetPath = PacketPath;
    options.contextPath = ContextPath;
    if (Repeat == 0)
      return usageError("--repeat must be at least 1");
    options.repeat = Repeat;
    options.checked = Checked;
    options.unverified = Unverified;
    if (RunFormat != "text" && RunFormat != "json")
      return usageError("unknown --format '" + RunFormat + "' (supported: text, json)");
    options.json = RunFormat == "json";
    if (auto problem = readLoadOptions(options.load))
      return usageError(*problem);
    return tool::runProgram(options);
  }
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
  if (VerifyCommand) {
    tool::VerifyOptions options;
    options.objectPaths = VerifyObjects;
    options.programName = ProgramName;
    if (Format == "text")
      options.format = tool::OutputFormat::Text;
    else if (Format == "table")
      options.format = tool::OutputFormat::Table;
    else if (Format == "json")
      options.format = tool::OutputFormat::Json;
    else if (Format == "sarif")
      options.format = tool::OutputFormat::Sarif;
    else
      return usageError("unknown --format '" + Format + "' (supported: text, table, json, sarif)");
    options.unprivileged = Unprivileged;
    if (const auto loops = absint::loopModeNamed(Loops))
      options.loops = *loops;
    else
      return usageError("unknown --loops '" + Loops + "' (supported: auto, unroll, summarize)");
    options.invariants = Invariants;
    options.budgets.instructionsProcessed = MaxInsns;
    options.budgets.states = MaxStates;
    options.budgets.milliseconds = TimeoutMs;
    options.budgets.memoryBytes = MaxMemoryMb << 20;
    options.smt = !NoSmt;
    if (SmtTimeoutMs == 0 || SmtBudgetMs == 0)
      return usageError("--smt-timeout-ms and --smt-budget-ms must be at least 1");
    options.smtTimeoutMilliseconds = SmtTimeoutMs;
    options.smtBudgetMilliseconds = SmtBudgetMs;
    options.counterexampleDirectory = CounterexampleDirectory;
    if (auto problem = readLoadOptions(options.load))
      return usageError(*problem);
    return tool::runVerify(options);
  }
  return usageError(
      "no command given; run 'bpfcheck --help' (commands: verify, run, dump, prove-domain)");
}
