// The dialect as bpf_conformance's own assembler reads it: one instruction or `label:` per
// line, `#` comments, operands separated by commas; registers `%rN`, memory `[%rN+OFF]`,
// numbers decimal or 0x-hex with an optional sign (32-bit immediates also unsigned, as in
// 0xffffff80), jump targets a label or `+N` / `-N`. Mnemonics: ALU `OP`, `OP64`, `OP32`
// (add sub mul div sdiv or and lsh rsh mod smod xor mov arsh neg), `movsx{8,16}32`,
// `movsx{8,16,32}64`, `be`/`le`/`swap`/`bswap` + 16/32/64, `ldx{b,h,w,dw}`, `ldxs{b,h,w}`,
// `st[x]{b,h,w,dw}`, `lddw`, `ja`, `ja32` (offset in imm), `jCOND[32]`, `call N`, `call local T`,
// `call %rN` (callx: register in dst), `lock [fetch] OP[32] [MEM], %rN`, `exit`. Unlike
// bpf_conformance, which truncates silently, a number out of its field's range is an error.
#include "ConformanceSuite.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <span>
#include <sstream>

namespace bpfcheck::conformance {
namespace {

using namespace encoding;
using Operands = std::span<const std::string_view>;

std::string located(std::string_view file, unsigned line, std::string_view token,
                    std::string_view problem) {
  return std::string(file) + ":" + std::to_string(line) + ": '" + std::string(token) +
         "': " + std::string(problem);
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

/// The words of a line, split on whitespace and commas.
std::vector<std::string_view> tokenize(std::string_view text) {
  static constexpr std::string_view separators = " \t,";
  std::vector<std::string_view> tokens;
  for (auto start = text.find_first_not_of(separators); start != std::string_view::npos;
       start = text.find_first_not_of(separators, start)) {
    const auto end = std::min(text.find_first_of(separators, start), text.size());
    tokens.push_back(text.substr(start, end - start));
    start = end;
  }
  return tokens;
}

/// A number as written: an optional sign, then decimal digits or 0x and hex digits.
struct Number {
  bool negative = false;
  std::uint64_t magnitude = 0;

  /// Whether the number lies in [-negativeLimit, positiveLimit].
  bool within(std::uint64_t positiveLimit, std::uint64_t negativeLimit) const {
    return magnitude <= (negative ? negativeLimit : positiveLimit);
  }
  /// Its two's complement bits.
  std::uint64_t bits() const { return negative ? 0 - magnitude : magnitude; }
};

std::optional<Number> parseNumber(std::string_view text) {
  Number number;
  if (text.starts_with('+') || text.starts_with('-')) {
    number.negative = text.starts_with('-');
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    base = 16;
    text.remove_prefix(2);
  }
  const char *end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, number.magnitude, base);
  if (text.empty() || error != std::errc() || stop != end)
    return std::nullopt;
  return number;
}

/// A 64-bit word of `-- raw` as a slot (little endian: opcode in the low byte, imm on top).
RawInstruction slotOfWord(std::uint64_t word) {
  return {static_cast<std::uint8_t>(word), static_cast<std::uint8_t>(word >> 8),
          static_cast<std::int16_t>(static_cast<std::uint16_t>(word >> 16)),
          static_cast<std::int32_t>(static_cast<std::uint32_t>(word >> 32))};
}

/// A mnemonic (or a mnemonic's prefix) with its opcode bits and the offset field it sets.
struct Form {
  std::string_view name;
  std::uint8_t code;
  std::int16_t offset = 0;
};
/// ALU operations, without their class; offset 1 selects the signed div and mod.
constexpr Form aluForms[] = {
    {"add", AluAdd},     {"sub", AluSub}, {"mul", AluMul}, {"div", AluDiv},   {"sdiv", AluDiv, 1},
    {"or", AluOr},       {"and", AluAnd}, {"lsh", AluLsh}, {"rsh", AluRsh},   {"mod", AluMod},
    {"smod", AluMod, 1}, {"xor", AluXor}, {"mov", AluMov}, {"arsh", AluArsh},
};
/// Sign-extending moves; offset is the width extended from.
constexpr Form signExtendingMoves[] = {
    {"movsx832", ClassAlu | AluMov | SourceX, 8},
    {"movsx1632", ClassAlu | AluMov | SourceX, 16},
    {"movsx864", ClassAlu64 | AluMov | SourceX, 8},
    {"movsx1664", ClassAlu64 | AluMov | SourceX, 16},
    {"movsx3264", ClassAlu64 | AluMov | SourceX, 32},
};
/// Byte swaps, as prefixes of `16`, `32` or `64`.
constexpr Form byteSwapForms[] = {{"be", ClassAlu | AluEnd | SourceX},
                                  {"le", ClassAlu | AluEnd | SourceK},
                                  {"swap", ClassAlu64 | AluEnd},
                                  {"bswap", ClassAlu64 | AluEnd}};

struct NamedCode {
  std::string_view name;
  std::int32_t code;
};
constexpr NamedCode conditions[] = {
    {"jeq", JmpJeq}, {"jgt", JmpJgt},   {"jge", JmpJge},   {"jset", JmpJset},
    {"jne", JmpJne}, {"jsgt", JmpJsgt}, {"jsge", JmpJsge}, {"jlt", JmpJlt},
    {"jle", JmpJle}, {"jslt", JmpJslt}, {"jsle", JmpJsle},
};
constexpr NamedCode atomicOperations[] = {
    {"add", AluAdd}, {"or", AluOr},        {"and", AluAnd},
    {"xor", AluXor}, {"xchg", AtomicXchg}, {"cmpxchg", AtomicCmpXchg},
};
constexpr NamedCode accessSizes[] = {{"b", SizeB}, {"h", SizeH}, {"w", SizeW}, {"dw", SizeDW}};

std::optional<std::int32_t> lookup(std::span<const NamedCode> table, std::string_view name) {
  for (const NamedCode &entry : table)
    if (entry.name == name)
      return entry.code;
  return std::nullopt;
}

/// Splits a width suffix off: "add32" -> ("add", false); "add" and "add64" -> ("add", true).
std::pair<std::string_view, bool> splitWidth(std::string_view mnemonic) {
  if (mnemonic.size() > 2 && mnemonic.ends_with("32"))
    return {mnemonic.substr(0, mnemonic.size() - 2), false};
  if (mnemonic.size() > 2 && mnemonic.ends_with("64"))
    return {mnemonic.substr(0, mnemonic.size() - 2), true};
  return {mnemonic, true};
}

/// The size field of `PREFIX{b,h,w,dw}`, if `mnemonic` has that form.
std::optional<std::uint8_t> accessSize(std::string_view mnemonic, std::string_view prefix) {
  if (!mnemonic.starts_with(prefix))
    return std::nullopt;
  if (auto size = lookup(accessSizes, mnemonic.substr(prefix.size())))
    return static_cast<std::uint8_t>(*size);
  return std::nullopt;
}

/// The width of `PREFIX16`, `PREFIX32` or `PREFIX64`, if `mnemonic` has that form.
std::optional<std::int32_t> swapWidth(std::string_view mnemonic, std::string_view prefix) {
  if (mnemonic.starts_with(prefix))
    for (std::int32_t width : {16, 32, 64})
      if (mnemonic.substr(prefix.size()) == std::to_string(width))
        return width;
  return std::nullopt;
}

/// Assembles one `-- asm` section. The first problem is kept and reported; until the line
/// ends, the encoders go on with placeholder values, which keeps them free of error plumbing.
class Assembler {
public:
  explicit Assembler(std::string_view name) : fileName(name) {}

  Expected<std::vector<RawInstruction>> run(const Section &section) {
    for (const SourceLine &line : section.lines) {
      lineNumber = line.number;
      const std::string_view text = line.text;
      const std::vector<std::string_view> tokens = tokenize(text.substr(0, text.find('#')));
      if (!tokens.empty()) {
        mnemonic = tokens[0];
        operands = Operands(tokens).subspan(1);
        operandsUsed = 0;
        assembleLine();
        if (operandsUsed < operands.size())
          fail(operands[operandsUsed], "unexpected operand");
      }
      if (problem)
        return Error(*problem);
    }
    resolveTargets();
    if (problem)
      return Error(*problem);
    return code;
  }

private:
  /// A jump or local call whose target is a label, patched once every label is known.
  struct PendingTarget {
    std::size_t slot;
    bool inImm; ///< the target goes into imm (ja32, call local), else into offset
    std::string label;
    unsigned line;
  };

  std::string_view fileName;
  unsigned lineNumber = 0;
  std::string_view mnemonic; ///< of the current line
  Operands operands;         ///< of the current line
  std::size_t operandsUsed = 0;
  std::optional<std::string> problem;
  std::vector<RawInstruction> code;
  std::map<std::string, std::size_t, std::less<>> labels;
  std::optional<std::size_t> firstExit; ///< the suite's implicit label `exit`
  std::vector<PendingTarget> pending;

  void fail(std::string_view token, std::string_view what) {
    if (!problem)
      problem = located(fileName, lineNumber, token, what);
  }

  void emit(std::uint8_t opcode, std::uint8_t dst, std::uint8_t src, std::int16_t offset,
            std::int32_t imm) {
    code.push_back(RawInstruction::make(opcode, dst, src, offset, imm));
  }

  void assembleLine() {
    if (mnemonic.ends_with(':'))
      return defineLabel(mnemonic.substr(0, mnemonic.size() - 1));
    if (mnemonic == "exit") {
      if (!firstExit)
        firstExit = code.size();
      return emit(ClassJmp | JmpExit, 0, 0, 0, 0);
    }
    if (mnemonic == "lock")
      return atomic();
    if (mnemonic == "lddw")
      return loadImmediate64();
    if (mnemonic == "call")
      return call();
    if (mnemonic == "ja")
      return emit(ClassJmp | JmpJa, 0, 0, static_cast<std::int16_t>(target(operand(0), false)), 0);
    if (mnemonic == "ja32")
      return emit(ClassJmp32 | JmpJa, 0, 0, 0, target(operand(0), true));
    if (auto size = accessSize(mnemonic, "ldxs"); size && *size != SizeDW)
      return load(ModeMemSx | *size);
    if (auto size = accessSize(mnemonic, "ldx"))
      return load(ModeMem | *size);
    if (auto size = accessSize(mnemonic, "stx"))
      return store(ClassStx | ModeMem | *size);
    if (auto size = accessSize(mnemonic, "st"))
      return store(ClassSt | ModeMem | *size);
    for (const Form &move : signExtendingMoves)
      if (mnemonic == move.name)
        return emit(move.code, reg(operand(0)), reg(operand(1)), move.offset, 0);
    for (const Form &swap : byteSwapForms)
      if (auto width = swapWidth(mnemonic, swap.name))
        return emit(swap.code, reg(operand(0)), 0, 0, *width);
    const auto [base, is64] = splitWidth(mnemonic);
    if (base == "neg")
      return emit((is64 ? ClassAlu64 : ClassAlu) | AluNeg, reg(operand(0)), 0, 0, 0);
    for (const Form &alu : aluForms)
      if (base == alu.name)
        return withSource((is64 ? ClassAlu64 : ClassAlu) | alu.code, alu.offset);
    if (auto condition = lookup(conditions, base); condition && !mnemonic.ends_with("64"))
      return withSource(static_cast<std::uint8_t>((is64 ? ClassJmp : ClassJmp32) | *condition),
                        static_cast<std::int16_t>(target(operand(2), false)));
    fail(mnemonic, "unknown mnemonic");
  }

  void defineLabel(std::string_view name) {
    if (name.empty())
      return fail(mnemonic, "empty label");
    if (!labels.emplace(std::string(name), code.size()).second)
      fail(name, "label defined twice");
  }

  // Operands.

  /// Operand `index` (from 0) of the current line; a missing one is an error.
  std::string_view operand(std::size_t index) {
    operandsUsed = std::max(operandsUsed, index + 1);
    if (index < operands.size())
      return operands[index];
    fail(mnemonic, "missing operand " + std::to_string(index + 1));
    return {};
  }

  static bool isRegister(std::string_view token) { return token.starts_with('%'); }

  std::uint8_t reg(std::string_view token) {
    unsigned index = 16;
    if (token.starts_with("%r")) {
      const std::string_view digits = token.substr(2);
      const char *end = digits.data() + digits.size();
      if (digits.empty() || std::from_chars(digits.data(), end, index).ptr != end)
        index = 16;
    }
    // r11..r15 fit the encoding (the suite's negative tests may use them); the decoder
    // rejects them.
    if (index > 15) {
      fail(token, "not a register (%r0 .. %r15)");
      return 0;
    }
    return static_cast<std::uint8_t>(index);
  }

  /// A number for a field that holds [-negativeLimit, positiveLimit], as two's complement.
  std::uint64_t number(std::string_view token, std::uint64_t positiveLimit,
                       std::uint64_t negativeLimit, std::string_view what) {
    const auto parsed = parseNumber(token);
    if (parsed && parsed->within(positiveLimit, negativeLimit))
      return parsed->bits();
    fail(token, what);
    return 0;
  }
  std::int32_t imm32(std::string_view token) {
    return static_cast<std::int32_t>(
        number(token, 0xffffffff, 0x80000000, "not a 32-bit immediate"));
  }
  std::int16_t offset16(std::string_view token) {
    return static_cast<std::int16_t>(number(token, 0x7fff, 0x8000, "not a signed 16-bit offset"));
  }

  /// `[%rN]`, `[%rN+OFF]` or `[%rN-OFF]`: the base register and the offset.
  std::pair<std::uint8_t, std::int16_t> memory(std::string_view token) {
    if (token.size() < 2 || !token.starts_with('[') || !token.ends_with(']')) {
      fail(token, "not a memory operand [%rN+OFFSET]");
      return {0, 0};
    }
    const std::string_view inside = token.substr(1, token.size() - 2);
    const auto sign = inside.find_first_of("+-");
    const std::uint8_t base = reg(inside.substr(0, sign));
    if (sign == std::string_view::npos)
      return {base, 0};
    return {base, offset16(inside.substr(sign))};
  }

  /// A jump or call target: `+N` / `-N` as it is, or a label, patched in resolveTargets.
  std::int32_t target(std::string_view token, bool inImm) {
    if (token.starts_with('+') || token.starts_with('-'))
      return inImm ? imm32(token) : offset16(token);
    pending.push_back({code.size(), inImm, std::string(token), lineNumber});
    return 0;
  }

  // Instructions.

  /// `OP dst, src` with src a register (source bit X) or a 32-bit immediate (K).
  void withSource(std::uint8_t opcode, std::int16_t offset) {
    const std::string_view dst = operand(0), src = operand(1);
    if (isRegister(src))
      emit(opcode | SourceX, reg(dst), reg(src), offset, 0);
    else
      emit(opcode | SourceK, reg(dst), 0, offset, imm32(src));
  }

  void load(std::uint8_t modeAndSize) {
    const std::uint8_t dst = reg(operand(0));
    const auto [base, offset] = memory(operand(1));
    emit(ClassLdx | modeAndSize, dst, base, offset, 0);
  }

  void store(std::uint8_t opcode) {
    const auto [base, offset] = memory(operand(0));
    if (classOf(opcode) == ClassStx)
      emit(opcode, base, reg(operand(1)), offset, 0);
    else
      emit(opcode, base, 0, offset, imm32(operand(1)));
  }

  void loadImmediate64() {
    const std::uint8_t dst = reg(operand(0));
    const std::uint64_t value =
        number(operand(1), UINT64_MAX, std::uint64_t(1) << 63, "not a 64-bit immediate");
    emit(ClassLd | ModeImm | SizeDW, dst, 0, 0, static_cast<std::int32_t>(value));
    emit(0, 0, 0, 0, static_cast<std::int32_t>(value >> 32));
  }

  /// `call N` (helper), `call local TARGET`, `call %rN` (callx).
  void call() {
    if (operand(0) == "local")
      return emit(ClassJmp | JmpCall, 0, PseudoCall, 0, target(operand(1), true));
    if (isRegister(operand(0)))
      return emit(ClassJmp | JmpCall | SourceX, reg(operand(0)), 0, 0, 0);
    emit(ClassJmp | JmpCall, 0, 0, 0, imm32(operand(0)));
  }

  /// `lock [fetch] OP[32] [MEM], %rN`.
  void atomic() {
    const bool fetch = !operands.empty() && operands[0] == "fetch";
    const std::size_t first = fetch ? 1 : 0;
    const auto [name, is64] = splitWidth(operand(first));
    const auto operation = lookup(atomicOperations, name);
    if (!operation)
      return fail(operand(first), "unknown atomic operation");
    const auto [base, offset] = memory(operand(first + 1));
    emit(ClassStx | ModeAtomic | (is64 ? SizeDW : SizeW), base, reg(operand(first + 2)), offset,
         *operation | (fetch ? AtomicFetch : 0));
  }

  void resolveTargets() {
    for (const PendingTarget &patch : pending) {
      lineNumber = patch.line;
      std::optional<std::size_t> destination;
      if (auto label = labels.find(patch.label); label != labels.end())
        destination = label->second;
      else if (patch.label == "exit")
        destination = firstExit;
      if (!destination)
        return fail(patch.label, "undefined label");
      const std::int64_t delta = std::int64_t(*destination) - std::int64_t(patch.slot) - 1;
      RawInstruction &insn = code[patch.slot];
      if (patch.inImm)
        insn.imm = static_cast<std::int32_t>(delta);
      else if (delta < INT16_MIN || delta > INT16_MAX)
        return fail(patch.label, "too far for a 16-bit jump offset");
      else
        insn.offset = static_cast<std::int16_t>(delta);
    }
  }
};

} // namespace

const Section *TestFile::find(std::string_view sectionName) const {
  for (const Section &section : sections)
    if (section.name == sectionName)
      return &section;
  return nullptr;
}

Expected<TestFile> parseTestFile(std::string_view text, std::string name) {
  TestFile file{std::move(name), {}};
  unsigned number = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (line.ends_with('\r'))
      line.remove_suffix(1);
    if (line.starts_with("-- ")) {
      const std::string_view sectionName = trim(line.substr(3));
      if (file.find(sectionName))
        return Error(located(file.name, number, line, "section given twice"));
      file.sections.push_back({std::string(sectionName), number, {}});
    } else if (!file.sections.empty()) {
      file.sections.back().lines.push_back({number, std::string(line)});
    } else if (!trim(line).empty() && !trim(line).starts_with('#')) {
      return Error(located(file.name, number, line, "text before the first section"));
    }
  }
  return file;
}

Expected<TestFile> readTestFile(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error(path.string() + ": cannot be opened");
  std::ostringstream text;
  text << in.rdbuf();
  return parseTestFile(text.str(), path.string());
}

Expected<std::vector<RawInstruction>> assemble(const TestFile &file) {
  const Section *section = file.find("asm");
  if (!section)
    return Error(file.name + ": has no '-- asm' section");
  return Assembler(file.name).run(*section);
}

Expected<std::vector<RawInstruction>> readRawWords(const TestFile &file) {
  const Section *section = file.find("raw");
  if (!section)
    return Error(file.name + ": has no '-- raw' section");
  std::vector<RawInstruction> code;
  for (const SourceLine &line : section->lines)
    for (std::string_view token : tokenize(line.text)) {
      const auto word = parseNumber(token);
      if (!word || word->negative || token.starts_with('+'))
        return Error(located(file.name, line.number, token, "not a 64-bit instruction word"));
      code.push_back(slotOfWord(word->magnitude));
    }
  return code;
}

Expected<std::vector<RawInstruction>> program(const TestFile &file) {
  return file.find("raw") ? readRawWords(file) : assemble(file);
}

std::vector<std::filesystem::path> listTestFiles(const std::filesystem::path &directory) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto &entry : std::filesystem::directory_iterator(directory, error))
    if (entry.is_regular_file() && entry.path().extension() == ".data")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace bpfcheck::conformance
