// Scans source text for APIs that would make a schedule nondeterministic.
//
// The simulated world (scheduler/ and harness/, outside tests and the real-host backend) must
// decide nothing from wall-clock time, OS randomness, standard distributions, real threads or
// unordered-container iteration. Each finding says "X is banned, use Y" with file and line.
// A line may opt out of the unordered-container rule only with the marker
// `lockstep-lint: lookup-only` (the container is used for lookups, never iterated).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::lint {

struct Finding {
  std::string file;
  std::size_t line;
  std::string message;
};

/// Scans one file's text; `file` only labels the findings.
std::vector<Finding> scan_text(std::string_view file, std::string_view text);

/// Scans every C/C++ source under `roots` (recursively), skipping tests and real-host files.
std::vector<Finding> scan_tree(const std::filesystem::path& source_dir,
                               const std::vector<std::string>& roots);

}  // namespace lockstep::lint
