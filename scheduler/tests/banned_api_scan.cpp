// The banned-API rules and the tree walk.
#include "banned_api_scan.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

namespace lockstep::lint {
namespace {

struct Rule {
  std::regex pattern;
  std::string message;
  bool lookup_only_marker_allows = false;
};

const std::vector<Rule>& rules() {
  static const std::vector<Rule> all = {
      {std::regex(R"(std::random_device)"),
       "std::random_device is banned, use lockstep::Prng seeded from the run's seed"},
      {std::regex(R"((^|[^_a-zA-Z0-9:.>])s?rand\s*\()"),
       "rand()/srand() is banned, use lockstep::Prng seeded from the run's seed"},
      {std::regex(R"((system_clock|steady_clock|high_resolution_clock)::now)"),
       "a real clock (*_clock::now) is banned, use Simulation::now_ns() (virtual time)"},
      {std::regex(R"((^|[^_a-zA-Z0-9])(gettimeofday|clock_gettime)\s*\()"),
       "gettimeofday/clock_gettime is banned, use Simulation::now_ns() (virtual time)"},
      {std::regex(R"((^|[^_a-zA-Z0-9:.>])time\s*\(\s*(nullptr|NULL|0)\s*\))"),
       "time() is banned, use Simulation::now_ns() (virtual time)"},
      {std::regex(R"(std::\w+_distribution)"),
       "std::*_distribution is banned, use Prng::below or Prng::chance (distributions differ "
       "between standard libraries)"},
      {std::regex(R"(std::j?thread\b|pthread_create)"),
       "a real thread is banned, use Simulation::spawn (a fiber of the simulated world)"},
      {std::regex(R"(std::unordered_(map|set|multimap|multiset)\b)"),
       "std::unordered_* is banned, use std::map or a vector (its iteration order could reach a "
       "decision; mark a use that only looks up with 'lockstep-lint: lookup-only')",
       true},
  };
  return all;
}

std::string strip_line_comment(std::string_view line) {
  const std::size_t comment = line.find("//");
  return std::string(comment == std::string_view::npos ? line : line.substr(0, comment));
}

bool is_source(const std::filesystem::path& path) {
  const std::string extension = path.extension().string();
  return extension == ".c" || extension == ".cc" || extension == ".cpp" || extension == ".h" ||
         extension == ".hpp";
}

bool is_exempt(const std::filesystem::path& relative) {
  const std::string text = relative.generic_string();
  return text.find("/tests/") != std::string::npos || text.find("/test/") != std::string::npos ||
         text.find("real_host") != std::string::npos;
}

}  // namespace

std::vector<Finding> scan_text(std::string_view file, std::string_view text) {
  std::vector<Finding> findings;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view raw_line = text.substr(start, end - start);
    ++line_number;
    const std::string code = strip_line_comment(raw_line);
    for (const Rule& rule : rules()) {
      if (!std::regex_search(code, rule.pattern)) {
        continue;
      }
      if (rule.lookup_only_marker_allows &&
          raw_line.find("lockstep-lint: lookup-only") != std::string_view::npos) {
        continue;
      }
      findings.push_back(Finding{std::string(file), line_number, rule.message});
    }
    if (end == text.size()) {
      break;
    }
    start = end + 1;
  }
  return findings;
}

std::vector<Finding> scan_tree(const std::filesystem::path& source_dir,
                               const std::vector<std::string>& roots) {
  std::vector<std::filesystem::path> files;
  for (const std::string& root : roots) {
    const std::filesystem::path directory = source_dir / root;
    if (!std::filesystem::exists(directory)) {
      continue;
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
      if (entry.is_regular_file() && is_source(entry.path())) {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Finding> findings;
  for (const std::filesystem::path& path : files) {
    const std::filesystem::path relative = std::filesystem::relative(path, source_dir);
    if (is_exempt("/" + relative.generic_string())) {
      continue;
    }
    std::ifstream stream(path);
    std::stringstream buffer;
    buffer << stream.rdbuf();
    for (Finding& finding : scan_text(relative.generic_string(), buffer.str())) {
      findings.push_back(std::move(finding));
    }
  }
  return findings;
}

}  // namespace lockstep::lint
