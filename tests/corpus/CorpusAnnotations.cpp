#include "CorpusAnnotations.h"

#include <fstream>
#include <sstream>

namespace bpfcheck::corpus {
namespace {

std::string trim(const std::string &text) {
  const auto begin = text.find_first_not_of(" \t");
  const auto end = text.find_last_not_of(" \t\r");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

void readAnnotations(CorpusFile &file) {
  std::ifstream source(file.source);
  if (!source) {
    file.problems.push_back("cannot read " + file.source);
    return;
  }
  std::string line;
  for (unsigned number = 1; std::getline(source, line); ++number) {
    const std::string where = file.source + ":" + std::to_string(number) + ": ";
    const std::string text = trim(line);
    std::istringstream words(text);
    std::string comment, directive, name;
    words >> comment >> directive >> name;
    if ((comment != "//" && comment != ";" && comment != "#") ||
        (directive != "@expect" && directive != "@environment"))
      continue;
    std::string rest;
    std::getline(words, rest);
    rest = trim(rest);
    Expectation &expectation = file.programs[name];
    if (directive == "@environment") {
      expectation.environment = rest;
      continue;
    }
    if (rest == "accept") {
      expectation.accept = true;
    } else if (rest.rfind("reject:", 0) == 0) {
      expectation.accept = false;
      expectation.messageFragment = trim(rest.substr(7));
      if (expectation.messageFragment.empty())
        file.problems.push_back(where + "a rejection needs a message fragment");
    } else {
      file.problems.push_back(where + "expected 'accept' or 'reject: fragment' after the name");
    }
  }
}

} // namespace

std::vector<CorpusFile> readCorpus(const std::string &listPath) {
  std::vector<CorpusFile> files;
  std::ifstream list(listPath);
  std::string line;
  while (std::getline(list, line)) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos)
      continue;
    CorpusFile file;
    file.object = line.substr(0, tab);
    file.source = line.substr(tab + 1);
    readAnnotations(file);
    files.push_back(std::move(file));
  }
  return files;
}

} // namespace bpfcheck::corpus
