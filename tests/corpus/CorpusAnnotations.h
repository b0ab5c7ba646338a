// The expected verdicts that corpus programs state in their sources
// (`// @expect NAME accept`, `// @expect NAME reject: fragment`,
// `// @environment NAME reason`; see test-corpus/README.md), and the list of built objects.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bpfcheck::corpus {

struct Expectation {
  bool accept = true;
  std::string messageFragment;            ///< for rejections: a piece of the kernel's log
  std::optional<std::string> environment; ///< why this kernel cannot load it, if so
};

struct CorpusFile {
  std::string object;
  std::string source;
  std::map<std::string, Expectation> programs; ///< by program name
  std::vector<std::string> problems;           ///< malformed annotations
};

/// Reads `corpus.list` (object TAB source per line) and every source's annotations.
std::vector<CorpusFile> readCorpus(const std::string &listPath);

} // namespace bpfcheck::corpus
