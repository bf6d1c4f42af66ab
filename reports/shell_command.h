// Commands printed for people to copy: `lockstep replay ...` lines in the output, report.json,
// junit.xml and index.html. Each word is quoted for a POSIX shell only when it needs it, so the
// common line stays plain and every line runs as printed (a path with a space or a quote, a
// plugin's odd name).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lockstep::reports {

/// `word` as one shell word: unchanged when it holds only characters no shell treats
/// specially, else in single quotes (a single quote inside becomes '\'').
std::string shell_quote(std::string_view word);

/// The words quoted and joined with spaces.
std::string shell_command(const std::vector<std::string>& words);

}  // namespace lockstep::reports
