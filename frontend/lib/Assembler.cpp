// LLVM MC set up for the BPF target: parse the text, emit an ELF object into memory.
#include "bpfcheck/frontend/Assembler.h"

#include <llvm/MC/MCAsmBackend.h>
#include <llvm/MC/MCAsmInfo.h>
#include <llvm/MC/MCCodeEmitter.h>
#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCInstrInfo.h>
#include <llvm/MC/MCObjectFileInfo.h>
#include <llvm/MC/MCObjectWriter.h>
#include <llvm/MC/MCParser/MCAsmParser.h>
#include <llvm/MC/MCParser/MCTargetAsmParser.h>
#include <llvm/MC/MCRegisterInfo.h>
#include <llvm/MC/MCStreamer.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/MCTargetOptions.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Triple.h>

#include <cstring>
#include <mutex>

extern "C" {
void LLVMInitializeBPFTargetInfo();
void LLVMInitializeBPFTargetMC();
void LLVMInitializeBPFAsmParser();
}

namespace bpfcheck {
namespace {

/// LLVM's target registry is process-wide; registering the BPF target is idempotent and
/// done once.
const llvm::Target *bpfTarget(std::string &error) {
  static std::once_flag registered;
  std::call_once(registered, [] {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmParser();
  });
  return llvm::TargetRegistry::lookupTarget("bpfel", error);
}

/// Diagnostics as "line:column: message", with the lines of a generated prologue
/// (`hiddenLines`) not counted.
struct DiagnosticSink {
  int hiddenLines = 0;
  std::string text;

  void add(const llvm::SMDiagnostic &diagnostic) {
    if (!text.empty())
      text += "; ";
    text += std::to_string(diagnostic.getLineNo() - hiddenLines) + ":" +
            std::to_string(diagnostic.getColumnNo() + 1) + ": " + diagnostic.getMessage().str();
  }
};

Expected<std::vector<std::byte>> assemble(std::string_view text, const AssemblerOptions &options,
                                          int hiddenLines) {
  if (options.cpu != "v1" && options.cpu != "v2" && options.cpu != "v3" && options.cpu != "v4")
    return Error("unknown BPF cpu '" + options.cpu + "' (v1, v2, v3 or v4)");
  std::string targetError;
  const llvm::Target *target = bpfTarget(targetError);
  if (!target)
    return Error("the LLVM BPF target is not available: " + targetError);

  const llvm::Triple triple("bpfel");
  llvm::MCTargetOptions targetOptions;
  std::unique_ptr<llvm::MCRegisterInfo> registers(target->createMCRegInfo(triple.str()));
  std::unique_ptr<llvm::MCAsmInfo> asmInfo(
      target->createMCAsmInfo(*registers, triple.str(), targetOptions));
  std::unique_ptr<llvm::MCInstrInfo> instructions(target->createMCInstrInfo());
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple.str(), options.cpu, ""));

  DiagnosticSink diagnostics{hiddenLines, {}};
  llvm::SourceMgr sources;
  sources.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(text.data(), text.size()), "<asm>"),
      llvm::SMLoc());
  sources.setDiagHandler([](const llvm::SMDiagnostic &diagnostic,
                            void *sink) { static_cast<DiagnosticSink *>(sink)->add(diagnostic); },
                         &diagnostics);

  llvm::MCContext context(triple, asmInfo.get(), registers.get(), subtarget.get(), &sources);
  std::unique_ptr<llvm::MCObjectFileInfo> fileInfo(
      target->createMCObjectFileInfo(context, /*PIC=*/false));
  context.setObjectFileInfo(fileInfo.get());
  context.setDiagnosticHandler(
      [&diagnostics](const llvm::SMDiagnostic &diagnostic, bool, const llvm::SourceMgr &,
                     std::vector<const llvm::MDNode *> &) { diagnostics.add(diagnostic); });

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream stream(buffer);
  std::unique_ptr<llvm::MCCodeEmitter> emitter(target->createMCCodeEmitter(*instructions, context));
  std::unique_ptr<llvm::MCAsmBackend> backend(
      target->createMCAsmBackend(*subtarget, *registers, targetOptions));
  if (!emitter || !backend)
    return Error("the LLVM BPF target cannot emit objects");
  auto writer = backend->createObjectWriter(stream);
  std::unique_ptr<llvm::MCStreamer> streamer(target->createMCObjectStreamer(
      triple, context, std::move(backend), std::move(writer), std::move(emitter), *subtarget));
  std::unique_ptr<llvm::MCAsmParser> parser(
      llvm::createMCAsmParser(sources, context, *streamer, *asmInfo));
  std::unique_ptr<llvm::MCTargetAsmParser> targetParser(
      target->createMCAsmParser(*subtarget, *parser, *instructions, targetOptions));
  if (!targetParser)
    return Error("the LLVM BPF target has no assembly parser");
  parser->setTargetParser(*targetParser);
  const bool failed = parser->Run(/*NoInitialTextSection=*/false);
  if (!failed)
    streamer->finish();
  if (failed || !diagnostics.text.empty())
    return Error("assembly error: " +
                 (diagnostics.text.empty() ? std::string("unknown") : diagnostics.text));
  std::vector<std::byte> object(buffer.size());
  std::memcpy(object.data(), buffer.data(), buffer.size());
  return object;
}

} // namespace

Expected<std::vector<std::byte>> assembleObject(std::string_view text,
                                                const AssemblerOptions &options) {
  return assemble(text, options, 0);
}

Expected<std::vector<encoding::RawInstruction>> assembleProgram(std::string_view instructions,
                                                                const AssemblerOptions &options) {
  const std::string text = "\t.section\tbpfcheck_asm,\"ax\",@progbits\n"
                           "\t.globl\tbpfcheck_program\n"
                           "bpfcheck_program:\n" +
                           std::string(instructions) + "\n";
  auto object = assemble(text, options, 3);
  if (!object)
    return object.takeError();
  LoadOptions load;
  load.programType = ProgramType::SocketFilter; // any type: only the code is wanted
  auto loaded = loadObject(*object, load, "<asm>");
  if (!loaded)
    return loaded.takeError();
  if (loaded->programs.size() != 1)
    return Error("the assembly holds " + std::to_string(loaded->programs.size()) +
                 " programs, expected one");
  return std::move(loaded->programs.front().slots);
}

} // namespace bpfcheck
