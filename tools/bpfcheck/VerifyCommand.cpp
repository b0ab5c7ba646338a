// `bpfcheck verify`: the verdict on every program of an object, as text for people, JSON
// for scripts (DESIGN.md's stable shape) or SARIF for code-scanning services.

#include "Commands.h"

#include "bpfcheck/driver/ObjectVerification.h"
#include "bpfcheck/ir/Printer.h"
#include "bpfcheck/smt/PathProver.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

namespace bpfcheck::tool {
namespace {

using llvm::outs;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

/// The verdicts on one object's programs.
struct ObjectVerdicts {
  std::string path;
  std::vector<driver::ProgramVerdict> verdicts;
};

std::string attachText(const Program &program) {
  return program.expectedAttachType ? std::string(nameOf(*program.expectedAttachType)) : "";
}

std::string locationText(const absint::Diagnostic &diagnostic, const std::string &objectPath) {
  if (!diagnostic.file.empty())
    return diagnostic.file + ":" + std::to_string(diagnostic.line) + ":" +
           std::to_string(diagnostic.column);
  return objectPath;
}

void printText(const std::string &objectPath, const std::vector<driver::ProgramVerdict> &verdicts,
               const VerifyOptions &options) {
  for (const driver::ProgramVerdict &verdict : verdicts) {
    const Program &program = *verdict.program;
    const absint::VerifyResult &result = verdict.result;
    outs() << program.name << " (" << program.section << ", " << nameOf(program.type)
           << "): " << absint::nameOf(result.verdict) << "\n";
    for (const absint::Diagnostic &diagnostic : result.diagnostics) {
      outs() << "  " << locationText(diagnostic, objectPath) << ": "
             << absint::nameOf(diagnostic.severity) << ": " << diagnostic.message << " ["
             << absint::identifierOf(diagnostic.rule) << "]";
      if (diagnostic.insn)
        outs() << " [insn " << *diagnostic.pc << ": " << diagnostic.insnText << "]";
      outs() << "\n";
      for (const std::string &reg : diagnostic.registers)
        outs() << "      " << reg << "\n";
    }
    if (options.invariants) {
      const ProgramCode &code = program.code;
      for (std::size_t i = 0; i < code.instructions.size(); ++i) {
        if (i < result.invariants.size())
          for (const std::string &line : result.invariants[i])
            outs() << "      ; " << line << "\n";
        outs() << "    " << code.instructions[i].pc << ": "
               << printInstruction(code.instructions[i].insn) << "\n";
      }
    }
    const absint::VerifyStats &stats = result.stats;
    outs() << "  " << stats.instructions << " insns, " << stats.instructionsProcessed
           << " processed, " << stats.states << " states, " << stats.timeMicroseconds << " us\n";
  }
}

/// A veristat-like table: one row per program, with its cost and the rule it broke.
void printTable(const std::vector<ObjectVerdicts> &objects) {
  auto fileName = [](const std::string &path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
  };
  outs() << llvm::formatv("{0,-28} {1,-30} {2,-18} {3,-11} {4,6} {5,9} {6,7} {7,9}  {8}\n", "File",
                          "Program", "Type", "Verdict", "Insns", "Processed", "States", "Time(us)",
                          "Rule");
  for (const auto &[path, verdicts] : objects)
    for (const driver::ProgramVerdict &verdict : verdicts) {
      const absint::VerifyResult &result = verdict.result;
      std::string rule;
      for (const absint::Diagnostic &diagnostic : result.diagnostics)
        if (result.verdict != absint::Verdict::Accept && rule.empty() &&
            diagnostic.severity == absint::Severity::Error)
          rule = absint::identifierOf(diagnostic.rule);
      outs() << llvm::formatv("{0,-28} {1,-30} {2,-18} {3,-11} {4,6} {5,9} {6,7} {7,9}  {8}\n",
                              fileName(path), verdict.program->name, nameOf(verdict.program->type),
                              absint::nameOf(result.verdict), result.stats.instructions,
                              result.stats.instructionsProcessed, result.stats.states,
                              result.stats.timeMicroseconds, rule);
    }
}

Value diagnosticJson(const absint::Diagnostic &diagnostic) {
  Object entry{{"severity", std::string(absint::nameOf(diagnostic.severity))},
               {"rule", std::string(absint::identifierOf(diagnostic.rule))},
               {"message", diagnostic.message},
               {"file", diagnostic.file},
               {"line", static_cast<std::int64_t>(diagnostic.line)},
               {"column", static_cast<std::int64_t>(diagnostic.column)}};
  if (diagnostic.insn) {
    entry["insn"] = static_cast<std::int64_t>(*diagnostic.pc);
    entry["insn_text"] = diagnostic.insnText;
  } else {
    entry["insn"] = nullptr;
  }
  Array registers;
  for (const std::string &reg : diagnostic.registers)
    registers.push_back(reg);
  entry["registers"] = std::move(registers);
  return entry;
}

Value jsonReport(const std::string &objectPath,
                 const std::vector<driver::ProgramVerdict> &verdicts) {
  Array programs;
  for (const driver::ProgramVerdict &verdict : verdicts) {
    const Program &program = *verdict.program;
    const absint::VerifyResult &result = verdict.result;
    Array diagnostics;
    for (const absint::Diagnostic &diagnostic : result.diagnostics)
      diagnostics.push_back(diagnosticJson(diagnostic));
    const absint::VerifyStats &stats = result.stats;
    programs.push_back(
        Object{{"name", program.name},
               {"section", program.section},
               {"type", std::string(nameOf(program.type))},
               {"attach_type", attachText(program)},
               {"verdict", std::string(absint::nameOf(result.verdict))},
               {"diagnostics", std::move(diagnostics)},
               {"stats",
                Object{{"insns", static_cast<std::int64_t>(stats.instructions)},
                       {"insns_processed", static_cast<std::int64_t>(stats.instructionsProcessed)},
                       {"states", static_cast<std::int64_t>(stats.states)},
                       {"pruned_paths", static_cast<std::int64_t>(stats.prunedPaths)},
                       {"time_us", static_cast<std::int64_t>(stats.timeMicroseconds)},
                       {"peak_state_kb", static_cast<std::int64_t>(stats.peakStateBytes / 1024)},
                       {"stack_depth", static_cast<std::int64_t>(stats.maxStackDepth)},
                       {"loops_summarized", static_cast<std::int64_t>(stats.loopsSummarized)},
                       {"smt_queries", static_cast<std::int64_t>(stats.obligationsAsked)},
                       {"smt_proven", static_cast<std::int64_t>(stats.obligationsProven)},
                       {"smt_time_us", static_cast<std::int64_t>(stats.proverMicroseconds)}}}});
  }
  return Object{{"object", objectPath}, {"programs", std::move(programs)}};
}

Value sarifReport(const std::vector<ObjectVerdicts> &objects) {
  Array rules;
#define RULE(Name, id, summary, question)                                                          \
  rules.push_back(Object{{"id", id}, {"shortDescription", Object{{"text", summary}}}});
#include "bpfcheck/absint/Rules.def"
  Array results;
  for (const auto &[objectPath, verdicts] : objects)
    for (const driver::ProgramVerdict &verdict : verdicts) {
      for (const absint::Diagnostic &diagnostic : verdict.result.diagnostics) {
        Object physical{{"artifactLocation",
                         Object{{"uri", diagnostic.file.empty() ? objectPath : diagnostic.file}}}};
        if (diagnostic.line != 0)
          physical["region"] =
              Object{{"startLine", static_cast<std::int64_t>(diagnostic.line)},
                     {"startColumn",
                      static_cast<std::int64_t>(std::max<std::uint32_t>(diagnostic.column, 1))}};
        std::string text = verdict.program->name + ": " + diagnostic.message;
        if (diagnostic.insn)
          text += " [insn " + std::to_string(*diagnostic.pc) + ": " + diagnostic.insnText + "]";
        results.push_back(
            Object{{"ruleId", std::string(absint::identifierOf(diagnostic.rule))},
                   {"level", diagnostic.rule == absint::Rule::TooComplex ||
                                     diagnostic.severity != absint::Severity::Error
                                 ? "warning"
                                 : "error"},
                   {"message", Object{{"text", text}}},
                   {"locations", Array{Object{{"physicalLocation", std::move(physical)}}}}});
      }
    }
  Object driver{{"name", "bpfcheck"},
                {"informationUri", "https://github.com/bpfcheck/bpfcheck"},
                {"rules", std::move(rules)}};
  return Object{{"version", "2.1.0"},
                {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                {"runs", Array{Object{{"tool", Object{{"driver", std::move(driver)}}},
                                      {"results", std::move(results)}}}}};
}

/// Writes DIR/PROGRAM.json for each rejected program with a counterexample; an exit status
/// when the directory cannot be written.
int writeCounterexamples(const std::vector<ObjectVerdicts> &objects, const std::string &directory) {
  if (std::error_code error = llvm::sys::fs::create_directories(directory)) {
    llvm::errs() << "bpfcheck: error: cannot create " << directory << ": " << error.message()
                 << "\n";
    return ExitBadInput;
  }
  for (const ObjectVerdicts &object : objects)
    for (const driver::ProgramVerdict &verdict : object.verdicts) {
      if (verdict.result.counterexample.empty())
        continue;
      const std::string path = directory + "/" + verdict.program->name + ".json";
      std::error_code error;
      llvm::raw_fd_ostream file(path, error);
      if (error) {
        llvm::errs() << "bpfcheck: error: cannot write " << path << ": " << error.message() << "\n";
        return ExitBadInput;
      }
      file << verdict.result.counterexample;
    }
  return 0;
}

} // namespace

int runVerify(const VerifyOptions &options) {
  // Every object is read before anything is verified: bad input fails the whole run.
  std::vector<bpfcheck::Object> objects;
  for (const std::string &path : options.objectPaths) {
    auto object = loadObjectFile(path, options.load);
    if (!object) {
      llvm::errs() << "bpfcheck: error: " << object.error().message << "\n";
      return ExitBadInput;
    }
    if (!options.programName.empty() && !object->findProgram(options.programName)) {
      llvm::errs() << "bpfcheck: error: " << path << " has no program named '"
                   << options.programName << "'\n";
      return ExitBadInput;
    }
    objects.push_back(std::move(*object));
  }
  absint::VerifyOptions verifyOptions;
  verifyOptions.privileged = !options.unprivileged;
  verifyOptions.loops = options.loops;
  verifyOptions.budgets = options.budgets;
  verifyOptions.recordInvariants = options.invariants;
  smt::PathProver prover({options.smtTimeoutMilliseconds});
  if (options.smt)
    verifyOptions.prover = &prover;
  verifyOptions.proverMilliseconds = options.smtBudgetMilliseconds;
  std::vector<ObjectVerdicts> results;
  for (std::size_t i = 0; i < objects.size(); ++i)
    results.push_back({options.objectPaths[i],
                       driver::verifyObject(objects[i], verifyOptions, options.programName)});
  if (!options.counterexampleDirectory.empty())
    if (int failed = writeCounterexamples(results, options.counterexampleDirectory))
      return failed;
  switch (options.format) {
  case OutputFormat::Text:
    for (const ObjectVerdicts &object : results)
      printText(object.path, object.verdicts, options);
    break;
  case OutputFormat::Table:
    printTable(results);
    break;
  case OutputFormat::Json:
    // One JSON object per object file (JSON Lines when there are several).
    for (const ObjectVerdicts &object : results)
      outs() << llvm::formatv(results.size() == 1 ? "{0:2}" : "{0}",
                              jsonReport(object.path, object.verdicts))
             << "\n";
    break;
  case OutputFormat::Sarif:
    outs() << llvm::formatv("{0:2}", sarifReport(results)) << "\n";
    break;
  }
  for (const ObjectVerdicts &object : results)
    for (const driver::ProgramVerdict &verdict : object.verdicts)
      if (verdict.result.verdict != absint::Verdict::Accept)
        return ExitRejected;
  return ExitSuccess;
}

} // namespace bpfcheck::tool
