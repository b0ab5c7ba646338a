// bpfcheck-selftests: checks that bpfcheck's frontend loads the Linux kernel's own verifier
// selftests (tools/testing/selftests/bpf/progs/verifier_*.c, compiled by
// scripts/selftests.sh), and writes down what each test expects of a verifier.
//
//   bpfcheck-selftests [--not-compiled TSV] [--expectations TSV] OBJECT...
//
// The tests state their expectations with the macros of progs/bpf_misc.h (`__success`,
// `__failure`, `__msg("...")`, `__retval(N)`, their `_unpriv` variants, `__auxiliary`, …),
// which clang stores in the object's BTF as DECL_TAG types named `comment:test_…` that
// point at the program's FUNC. The kernel's test_loader.c runs every program of the object
// (every function of an executable section other than .text) as a test, except the
// `__auxiliary` ones, which it loads for the others' sake.
//
// For each object this checks that the frontend loads it and that every program test_loader
// would load (annotated test, auxiliary, or unannotated) is among the frontend's programs.
// The report ends with the line "N passed, M failed": N objects fully loaded, M not. Exit
// status 0 when M is 0, 1 otherwise, 2 on bad usage.
//
// --not-compiled names a file of `SOURCE<TAB>first error line` for the sources that did not
// compile (counted and listed, not failures of the frontend). --expectations writes one line
// per program: its verdicts, return values and log fragments for privileged and
// unprivileged loading, with test_loader's defaults applied, and the BTF its CO-RE
// relocations target (see writeExpectations).
#include "bpfcheck/frontend/ObjectLoader.h"

#include <bpf/btf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace bpfcheck;

namespace {

// ---------------------------------------------------------------------------------------
// The expectations of one program, as test_loader.c's parse_test_spec() reads them.

/// What a test expects when loaded in one mode (privileged or unprivileged).
struct ModeExpectation {
  bool tested = false;               ///< test_loader loads the program in this mode
  bool expectFailure = false;        ///< `__failure` (else success, stated or by default)
  bool resultStated = false;         ///< `__success` or `__failure` given for this mode
  std::optional<std::string> retval; ///< `__retval(...)` as written: 0, -1, 0x10, INT_MIN, …
  std::vector<std::pair<long, std::string>> messages; ///< `__msg`: (__COUNTER__, text)
  std::vector<std::pair<long, std::string>> xlated;   ///< `__xlated`: (__COUNTER__, text)
};

struct TestSpec {
  bool annotated = false; ///< carries at least one `comment:test_` tag
  bool auxiliary = false;
  ModeExpectation privileged, unprivileged;
  std::string description;
  std::string logLevel;
  std::vector<std::string> flags; ///< `__flag(...)` as written; "!X" clears X
  std::vector<std::string> arches;
  std::string btfPath;
  unsigned jitedPatterns = 0;
  bool collectingJited = false;         ///< while parsing: the last `__arch_*` is ours (x86_64)
  std::vector<std::string> unknownTags; ///< `comment:test_…` tags bpf_misc.h does not define
};

constexpr std::string_view TagPrefix = "comment:test_";

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

/// `<prefix><counter>=<text>` (the form of `__msg`, `__xlated`, `__jited`) → (counter, text).
std::optional<std::pair<long, std::string>> counted(std::string_view tag, std::string_view prefix) {
  if (!startsWith(tag, prefix))
    return std::nullopt;
  std::string_view rest = tag.substr(prefix.size());
  const std::size_t equals = rest.find('=');
  if (equals == std::string_view::npos)
    return std::nullopt;
  const std::string counter(rest.substr(0, equals));
  char *end = nullptr;
  const long value = std::strtol(counter.c_str(), &end, 10);
  if (counter.empty() || *end != '\0')
    return std::nullopt;
  return std::pair{value, std::string(rest.substr(equals + 1))};
}

/// Applies one `comment:test_…` tag; the branches follow test_loader.c's parse_test_spec().
void applyTag(TestSpec &spec, std::string_view tag) {
  spec.annotated = true;
  auto valueAfter = [&](std::string_view prefix) { return std::string(tag.substr(prefix.size())); };
  if (startsWith(tag, "comment:test_description=")) {
    spec.description = valueAfter("comment:test_description=");
  } else if (tag == "comment:test_expect_failure") {
    spec.privileged.tested = spec.privileged.expectFailure = spec.privileged.resultStated = true;
  } else if (tag == "comment:test_expect_success") {
    spec.privileged.tested = spec.privileged.resultStated = true;
    spec.privileged.expectFailure = false;
  } else if (tag == "comment:test_expect_failure_unpriv") {
    spec.unprivileged.tested = spec.unprivileged.expectFailure = true;
    spec.unprivileged.resultStated = true;
  } else if (tag == "comment:test_expect_success_unpriv") {
    spec.unprivileged.tested = spec.unprivileged.resultStated = true;
    spec.unprivileged.expectFailure = false;
  } else if (tag == "comment:test_auxiliary") {
    spec.auxiliary = spec.privileged.tested = true;
  } else if (tag == "comment:test_auxiliary_unpriv") {
    spec.auxiliary = spec.unprivileged.tested = true;
    // The unprivileged prefixes first: each privileged prefix is a prefix of its variant.
  } else if (auto unprivMessage = counted(tag, "comment:test_expect_msg_unpriv=")) {
    spec.unprivileged.tested = true;
    spec.unprivileged.messages.push_back(*unprivMessage);
  } else if (auto message = counted(tag, "comment:test_expect_msg=")) {
    spec.privileged.tested = true;
    spec.privileged.messages.push_back(*message);
  } else if (auto unprivLine = counted(tag, "comment:test_expect_xlated_unpriv=")) {
    spec.unprivileged.tested = true;
    spec.unprivileged.xlated.push_back(*unprivLine);
  } else if (auto line = counted(tag, "comment:test_expect_xlated=")) {
    spec.privileged.tested = true;
    spec.privileged.xlated.push_back(*line);
  } else if (startsWith(tag, "comment:test_jited_unpriv=") ||
             startsWith(tag, "comment:test_jited=")) {
    // A JIT matter, not the verifier's; test_loader collects the patterns (and marks the
    // mode tested) only after an __arch_* naming the machine it runs on, x86_64 here.
    ++spec.jitedPatterns;
    if (spec.collectingJited)
      (startsWith(tag, "comment:test_jited_unpriv=") ? spec.unprivileged : spec.privileged).tested =
          true;
  } else if (startsWith(tag, "comment:test_retval_unpriv=")) {
    spec.unprivileged.tested = true;
    spec.unprivileged.retval = valueAfter("comment:test_retval_unpriv=");
  } else if (startsWith(tag, "comment:test_retval=")) {
    spec.privileged.tested = true;
    spec.privileged.retval = valueAfter("comment:test_retval=");
  } else if (startsWith(tag, "comment:test_log_level=")) {
    spec.logLevel = valueAfter("comment:test_log_level=");
  } else if (startsWith(tag, "comment:test_prog_flags=")) {
    spec.flags.push_back(valueAfter("comment:test_prog_flags="));
  } else if (startsWith(tag, "comment:test_arch=")) {
    spec.arches.push_back(valueAfter("comment:test_arch="));
    spec.collectingJited = spec.arches.back() == "X86_64";
  } else if (startsWith(tag, "comment:test_btf_path=")) {
    spec.btfPath = valueAfter("comment:test_btf_path=");
  } else {
    spec.unknownTags.emplace_back(tag);
  }
}

/// test_loader's defaults once every tag is read: no mode named means privileged; an
/// unprivileged run inherits the privileged verdict, return value and messages it does not
/// state itself.
void applyDefaults(TestSpec &spec) {
  ModeExpectation &priv = spec.privileged, &unpriv = spec.unprivileged;
  if (!priv.tested && !unpriv.tested)
    priv.tested = true;
  if (!unpriv.resultStated)
    unpriv.expectFailure = priv.expectFailure;
  if (!unpriv.retval)
    unpriv.retval = priv.retval;
  if (unpriv.messages.empty())
    unpriv.messages = priv.messages;
  if (unpriv.xlated.empty())
    unpriv.xlated = priv.xlated;
  // Source order: __COUNTER__ values are unique within an object.
  for (ModeExpectation *mode : {&priv, &unpriv}) {
    std::sort(mode->messages.begin(), mode->messages.end());
    std::sort(mode->xlated.begin(), mode->xlated.end());
  }
}

// ---------------------------------------------------------------------------------------
// The object's BTF: decl tags by the FUNC they are attached to.

struct BtfDeleter {
  void operator()(btf *b) const { btf__free(b); }
};
using BtfHandle = std::unique_ptr<btf, BtfDeleter>;

/// Every FUNC that carries a `comment:test_` tag on the function itself (component -1),
/// with its parsed expectations, by function name.
std::map<std::string, TestSpec> readTestSpecs(const btf *types) {
  std::map<std::string, TestSpec> specs;
  const unsigned count = btf__type_cnt(types);
  for (unsigned id = 1; id < count; ++id) {
    const btf_type *type = btf__type_by_id(types, id);
    if (!btf_is_decl_tag(type) || btf_decl_tag(type)->component_idx != -1)
      continue;
    const char *tag = btf__name_by_offset(types, type->name_off);
    if (!tag || !startsWith(tag, TagPrefix))
      continue;
    const btf_type *target = btf__type_by_id(types, type->type);
    if (!target || !btf_is_func(target))
      continue;
    const char *function = btf__name_by_offset(types, target->name_off);
    applyTag(specs[function ? function : ""], tag);
  }
  for (auto &[name, spec] : specs)
    applyDefaults(spec);
  return specs;
}

// ---------------------------------------------------------------------------------------
// The object's functions, read from its ELF symbol table as libbpf does: what test_loader
// would see as programs, independently of what bpfcheck's frontend makes of them.

struct FunctionSymbol {
  std::string section;
  bool inProgramSection = false; ///< an executable section other than .text
  bool isStatic = false;
};

struct ElfView {
  std::map<std::string, FunctionSymbol> functions;
  std::vector<std::byte> btf; ///< the raw .BTF section, for when the frontend fails
  std::string error;
};

ElfView readElf(const std::string &path) {
  ElfView view;
  const int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    view.error = path + ": " + std::strerror(errno);
    return view;
  }
  Elf *elf = elf_begin(fd, ELF_C_READ, nullptr);
  std::size_t stringSection = 0;
  if (!elf || elf_getshdrstrndx(elf, &stringSection) != 0) {
    view.error = path + ": " + elf_errmsg(-1);
    if (elf)
      elf_end(elf);
    close(fd);
    return view;
  }
  std::map<std::size_t, std::pair<std::string, bool>> sections; // index → (name, executable)
  Elf_Scn *symbols = nullptr;
  GElf_Shdr symbolsHeader{};
  for (Elf_Scn *section = elf_nextscn(elf, nullptr); section; section = elf_nextscn(elf, section)) {
    GElf_Shdr header;
    if (!gelf_getshdr(section, &header))
      continue;
    const char *name = elf_strptr(elf, stringSection, header.sh_name);
    sections[elf_ndxscn(section)] = {name ? name : "", (header.sh_flags & SHF_EXECINSTR) != 0};
    if (header.sh_type == SHT_SYMTAB) {
      symbols = section;
      symbolsHeader = header;
    }
    if (name && std::strcmp(name, ".BTF") == 0)
      if (Elf_Data *data = elf_getdata(section, nullptr); data && data->d_buf) {
        const auto *bytes = static_cast<const std::byte *>(data->d_buf);
        view.btf.assign(bytes, bytes + data->d_size);
      }
  }
  if (symbols)
    if (Elf_Data *data = elf_getdata(symbols, nullptr)) {
      const std::size_t count =
          symbolsHeader.sh_entsize ? data->d_size / symbolsHeader.sh_entsize : 0;
      for (std::size_t i = 0; i < count; ++i) {
        GElf_Sym symbol;
        if (!gelf_getsym(data, int(i), &symbol) || GELF_ST_TYPE(symbol.st_info) != STT_FUNC)
          continue;
        const auto section = sections.find(symbol.st_shndx);
        if (section == sections.end())
          continue;
        const char *name = elf_strptr(elf, symbolsHeader.sh_link, symbol.st_name);
        const auto &[sectionName, executable] = section->second;
        view.functions[name ? name : ""] =
            FunctionSymbol{sectionName, executable && sectionName != ".text",
                           GELF_ST_BIND(symbol.st_info) == STB_LOCAL};
      }
    }
  elf_end(elf);
  close(fd);
  return view;
}

// ---------------------------------------------------------------------------------------
// The check.

struct Totals {
  unsigned files = 0, compiled = 0, notCompiled = 0;
  unsigned tests = 0, auxiliary = 0, unannotated = 0;
  unsigned programsExpected = 0, programsLoaded = 0, extraPrograms = 0;
  unsigned objectErrors = 0, unknownSections = 0, missingPrograms = 0;
  unsigned passed = 0, failed = 0;
};

/// One program test_loader would load, with what we know of it.
struct ExpectedProgram {
  std::string file, name, section;
  TestSpec spec;
  bool loaded = false;
};

std::string fileName(const std::string &path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// The source name a selftests object stands for: verifier_and.bpf.o → verifier_and.c.
std::string sourceName(const std::string &path) {
  std::string name = fileName(path);
  for (std::string_view suffix : {".bpf.o", ".o"})
    if (name.size() > suffix.size() && name.ends_with(suffix))
      return name.substr(0, name.size() - suffix.size()) + ".c";
  return name;
}

/// The section names the frontend skipped, from its warnings.
std::set<std::string> skippedSections(const Object &object) {
  std::set<std::string> sections;
  for (const std::string &warning : object.warnings) {
    constexpr std::string_view Prefix = "section '";
    if (!startsWith(warning, Prefix) ||
        warning.find("no program type is known") == std::string::npos)
      continue;
    const std::size_t end = warning.find('\'', Prefix.size());
    if (end != std::string::npos)
      sections.insert(warning.substr(Prefix.size(), end - Prefix.size()));
  }
  return sections;
}

void checkObject(const std::string &path, const btf *vmlinux, Totals &totals,
                 std::vector<ExpectedProgram> &allPrograms) {
  const std::string source = sourceName(path);
  ++totals.files;
  ++totals.compiled;
  std::vector<std::string> problems;

  const ElfView elf = readElf(path);
  if (!elf.error.empty())
    problems.push_back(elf.error);

  LoadOptions options;
  options.targetBtf = vmlinux;
  auto object = loadObjectFile(path, options);

  // Expectations come from the object's BTF as the frontend finalised it, or, when the
  // frontend failed, from the raw .BTF section.
  const std::vector<std::byte> &btfBytes = object ? object->btf : elf.btf;
  BtfHandle types(btfBytes.empty() ? nullptr : btf__new(btfBytes.data(), btfBytes.size()));
  std::map<std::string, TestSpec> specs;
  if (types)
    specs = readTestSpecs(types.get());
  else
    problems.push_back("cannot read the object's BTF, so not its test annotations");

  std::vector<ExpectedProgram> programs;
  for (const auto &[name, symbol] : elf.functions)
    if (symbol.inProgramSection) {
      ExpectedProgram program{source, name, symbol.section, {}, false};
      if (auto spec = specs.find(name); spec != specs.end())
        program.spec = spec->second;
      else
        applyDefaults(program.spec);
      programs.push_back(std::move(program));
    }
  for (const auto &[name, spec] : specs) {
    const auto symbol = elf.functions.find(name);
    if (symbol == elf.functions.end() || !symbol->second.inProgramSection)
      std::printf("note    %s: %s carries test annotations but is not a program (%s)\n",
                  source.c_str(), name.c_str(),
                  symbol == elf.functions.end()
                      ? "no function symbol"
                      : ("in section '" + symbol->second.section + "'").c_str());
    for (const std::string &tag : spec.unknownTags)
      std::printf("note    %s: %s: tag '%s' is not one bpf_misc.h defines\n", source.c_str(),
                  name.c_str(), tag.c_str());
  }

  unsigned loaded = 0;
  if (!object) {
    ++totals.objectErrors;
    problems.push_back(object.error().message);
  } else {
    const std::set<std::string> skipped = skippedSections(*object);
    std::set<std::string> frontendNames;
    for (const Program &program : object->programs)
      frontendNames.insert(program.name);
    for (ExpectedProgram &program : programs) {
      program.loaded = frontendNames.erase(program.name) > 0;
      if (program.loaded) {
        ++loaded;
        continue;
      }
      const FunctionSymbol &symbol = elf.functions.at(program.name);
      if (skipped.count(program.section)) {
        ++totals.unknownSections;
        problems.push_back(program.name + ": skipped, no program type is known for section '" +
                           program.section + "'");
      } else {
        ++totals.missingPrograms;
        problems.push_back(
            program.name + ": not among the frontend's programs (section '" + program.section +
            "'" + (symbol.isStatic ? ", a static function: libbpf rejects it too" : "") + ")");
      }
    }
    for (const std::string &extra : frontendNames) {
      ++totals.extraPrograms;
      std::printf("note    %s: the frontend loaded %s, which is no program of the object's "
                  "symbol table\n",
                  source.c_str(), extra.c_str());
    }
  }

  unsigned tests = 0, auxiliary = 0, unannotated = 0;
  for (const ExpectedProgram &program : programs) {
    if (!program.spec.annotated)
      ++unannotated;
    else if (program.spec.auxiliary)
      ++auxiliary;
    else
      ++tests;
  }
  totals.tests += tests;
  totals.auxiliary += auxiliary;
  totals.unannotated += unannotated;
  totals.programsExpected += unsigned(programs.size());
  totals.programsLoaded += loaded;

  std::string counts = std::to_string(loaded) + "/" + std::to_string(programs.size()) +
                       " programs loaded (" + std::to_string(tests) + " tests, " +
                       std::to_string(auxiliary) + " auxiliary";
  if (unannotated)
    counts += ", " + std::to_string(unannotated) + " unannotated";
  counts += ")";
  if (problems.empty()) {
    ++totals.passed;
    std::printf("ok      %s: %s\n", source.c_str(), counts.c_str());
  } else {
    ++totals.failed;
    std::printf("FAIL    %s: %s\n", source.c_str(), counts.c_str());
    for (const std::string &problem : problems)
      std::printf("          %s\n", problem.c_str());
  }
  for (ExpectedProgram &program : programs)
    allPrograms.push_back(std::move(program));
}

// ---------------------------------------------------------------------------------------
// The expectations file.

/// A JSON string literal, so that log fragments (which hold ';', '|', quotes) stay one field.
std::string jsonString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\n':
      out += "\\n";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
        out += escaped;
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
}

std::string jsonArray(const std::vector<std::pair<long, std::string>> &items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? "," : "") + jsonString(items[i].second);
  return out + "]";
}

/// A free-text field with tabs and newlines escaped.
std::string field(std::string_view text) {
  std::string out;
  for (const char c : text)
    out += c == '\t' ? std::string("\\t") : c == '\n' ? std::string("\\n") : std::string(1, c);
  return out;
}

std::string join(const std::vector<std::string> &items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i ? std::string(separator) : "") + items[i];
  return out;
}

/// `__retval`'s value as test_loader compares it (a 32-bit int); POINTER_VALUE means any.
std::string retvalValue(const std::optional<std::string> &retval) {
  if (!retval)
    return "";
  if (*retval == "INT_MIN")
    return "-2147483648";
  if (*retval == "POINTER_VALUE")
    return "any";
  if (*retval == "TEST_DATA_LEN")
    return "64";
  const bool hex = startsWith(*retval, "0x");
  char *end = nullptr;
  const long value = std::strtol(retval->c_str() + (hex ? 2 : 0), &end, hex ? 16 : 10);
  if (*end != '\0')
    return "?";
  return std::to_string(static_cast<int>(static_cast<unsigned>(value)));
}

std::string verdict(const ModeExpectation &mode) {
  if (!mode.tested)
    return "unknown";
  return mode.expectFailure ? "failure" : "success";
}

bool writeExpectations(const std::string &path, const std::vector<ExpectedProgram> &programs) {
  std::ofstream out(path);
  if (!out)
    return false;
  out << "# The expectations of the kernel's verifier selftests (linux-source-6.12,\n"
         "# tools/testing/selftests/bpf/progs/verifier_*.c), read from their BTF decl tags\n"
         "# (progs/bpf_misc.h) with test_loader.c's defaults applied: a program with no mode\n"
         "# named is tested privileged; a privileged test expects success unless __failure;\n"
         "# the unprivileged run inherits the privileged verdict, retval and messages it does\n"
         "# not state. verdict 'unknown' = test_loader does not load it in that mode.\n"
         "# kind: test | auxiliary (loaded for other tests' sake) | unannotated (no tags: a\n"
         "# privileged test expecting success). retval: as written; retval_value: the int32\n"
         "# test_loader compares ('any' for POINTER_VALUE). msgs/xlated: JSON arrays of log\n"
         "# fragments in source order ({{...}} is a POSIX ERE). Messages are kernel-version\n"
         "# specific; verdicts are what to compare. btf_path: __btf_path(...) as written, the\n"
         "# object (next to the test objects when test_progs runs) whose BTF, instead of the\n"
         "# kernel's, is the target of the program's CO-RE relocations; empty for the kernel's.\n";
  out << "file\tprogram\tsection\tkind\tloaded\tpriv_verdict\tpriv_retval\tpriv_retval_value"
         "\tpriv_msgs\tunpriv_verdict\tunpriv_retval\tunpriv_retval_value\tunpriv_msgs"
         "\tflags\tlog_level\tarch\tdescription\tpriv_xlated\tunpriv_xlated\tbtf_path\n";
  for (const ExpectedProgram &program : programs) {
    const TestSpec &spec = program.spec;
    const char *kind = !spec.annotated ? "unannotated" : spec.auxiliary ? "auxiliary" : "test";
    const ModeExpectation &priv = spec.privileged, &unpriv = spec.unprivileged;
    out << program.file << '\t' << program.name << '\t' << field(program.section) << '\t' << kind
        << '\t' << (program.loaded ? "yes" : "no") << '\t' << verdict(priv) << '\t'
        << (priv.tested ? field(priv.retval.value_or("")) : "") << '\t'
        << (priv.tested ? retvalValue(priv.retval) : "") << '\t'
        << (priv.tested ? jsonArray(priv.messages) : "[]") << '\t' << verdict(unpriv) << '\t'
        << (unpriv.tested ? field(unpriv.retval.value_or("")) : "") << '\t'
        << (unpriv.tested ? retvalValue(unpriv.retval) : "") << '\t'
        << (unpriv.tested ? jsonArray(unpriv.messages) : "[]") << '\t'
        << field(join(spec.flags, "|")) << '\t' << field(spec.logLevel) << '\t'
        << field(join(spec.arches, "|")) << '\t' << field(spec.description) << '\t'
        << (priv.tested ? jsonArray(priv.xlated) : "[]") << '\t'
        << (unpriv.tested ? jsonArray(unpriv.xlated) : "[]") << '\t' << field(spec.btfPath) << '\n';
  }
  return bool(out);
}

/// `SOURCE<TAB>reason` lines written by scripts/selftests.sh.
std::vector<std::pair<std::string, std::string>> readNotCompiled(const std::string &path) {
  std::vector<std::pair<std::string, std::string>> entries;
  if (path.empty())
    return entries;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    const std::size_t tab = line.find('\t');
    entries.emplace_back(line.substr(0, tab), tab == std::string::npos ? "" : line.substr(tab + 1));
  }
  return entries;
}

int usage() {
  std::fprintf(stderr,
               "usage: bpfcheck-selftests [--not-compiled TSV] [--expectations TSV] OBJECT...\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  std::string notCompiledPath, expectationsPath;
  std::vector<std::string> objects;
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    if ((argument == "--not-compiled" || argument == "--expectations") && i + 1 < argc)
      (argument == "--not-compiled" ? notCompiledPath : expectationsPath) = argv[++i];
    else if (startsWith(argument, "-"))
      return usage();
    else
      objects.emplace_back(argument);
  }
  if (objects.empty() && notCompiledPath.empty())
    return usage();
  std::sort(objects.begin(), objects.end());

  elf_version(EV_CURRENT);
  // One target BTF for every object, as LoadOptions::targetBtf allows; without it the
  // frontend reads /sys/kernel/btf/vmlinux itself, once per object.
  const BtfHandle vmlinux(btf__load_vmlinux_btf()); // null on failure (libbpf 1.x)

  Totals totals;
  std::vector<ExpectedProgram> programs;
  for (const std::string &object : objects)
    checkObject(object, vmlinux.get(), totals, programs);

  for (const auto &[source, reason] : readNotCompiled(notCompiledPath)) {
    ++totals.files;
    ++totals.notCompiled;
    std::printf("skip    %s: did not compile: %s\n", source.c_str(), reason.c_str());
  }

  if (!expectationsPath.empty() && !writeExpectations(expectationsPath, programs)) {
    std::fprintf(stderr, "bpfcheck-selftests: cannot write %s\n", expectationsPath.c_str());
    return 2;
  }

  const unsigned failures = totals.objectErrors + totals.unknownSections + totals.missingPrograms;
  std::printf("\nfiles:              %u (%u compiled, %u did not compile)\n", totals.files,
              totals.compiled, totals.notCompiled);
  std::printf("programs annotated: %u (%u tests, %u auxiliary)", totals.tests + totals.auxiliary,
              totals.tests, totals.auxiliary);
  if (totals.unannotated)
    std::printf(", plus %u unannotated programs (tests by default)", totals.unannotated);
  std::printf("\nprograms loaded:    %u of %u\n", totals.programsLoaded, totals.programsExpected);
  std::printf("failures:           %u (%u objects the frontend rejected, %u programs in sections "
              "of unknown type, %u other programs missing)\n",
              failures, totals.objectErrors, totals.unknownSections, totals.missingPrograms);
  if (!expectationsPath.empty())
    std::printf("expectations:       %s\n", expectationsPath.c_str());
  std::printf("%u passed, %u failed\n", totals.passed, totals.failed);
  return totals.failed == 0 ? 0 : 1;
}
