// Parsing and matching --gtest_filter-style name filters.
#include "runner/name_filter.h"

namespace lockstep::runner {

std::optional<NameFilter> NameFilter::parse(const std::vector<std::string>& arguments,
                                            std::string& error) {
  NameFilter filter;
  for (const std::string& argument : arguments) {
    bool negative = false;
    std::size_t start = 0;
    while (start <= argument.size()) {
      std::size_t end = argument.find(':', start);
      if (end == std::string::npos) {
        end = argument.size();
      }
      std::string pattern = argument.substr(start, end - start);
      if (!pattern.empty() && pattern.front() == '-') {
        negative = true;
        pattern.erase(0, 1);
      }
      if (pattern.empty()) {
        error = "'" + argument + "' holds an empty pattern (patterns are separated by ':')";
        return std::nullopt;
      }
      (negative ? filter.negative_ : filter.positive_).push_back(std::move(pattern));
      start = end + 1;
    }
  }
  return filter;
}

bool NameFilter::glob_matches(std::string_view pattern, std::string_view name) {
  // Iterative matching with one backtrack point: linear in practice, never exponential.
  std::size_t at_pattern = 0;
  std::size_t at_name = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_name = 0;
  while (at_name < name.size()) {
    if (at_pattern < pattern.size() &&
        (pattern[at_pattern] == '?' || pattern[at_pattern] == name[at_name])) {
      ++at_pattern;
      ++at_name;
    } else if (at_pattern < pattern.size() && pattern[at_pattern] == '*') {
      star = at_pattern++;
      star_name = at_name;
    } else if (star != std::string_view::npos) {
      at_pattern = star + 1;
      at_name = ++star_name;
    } else {
      return false;
    }
  }
  while (at_pattern < pattern.size() && pattern[at_pattern] == '*') {
    ++at_pattern;
  }
  return at_pattern == pattern.size();
}

bool NameFilter::has_wildcard(std::string_view pattern) {
  return pattern.find_first_of("*?") != std::string_view::npos;
}

bool NameFilter::matches(std::string_view name) const {
  bool selected = positive_.empty();
  for (const std::string& pattern : positive_) {
    selected = selected || glob_matches(pattern, name);
  }
  for (const std::string& pattern : negative_) {
    selected = selected && !glob_matches(pattern, name);
  }
  return selected;
}

std::vector<std::string> NameFilter::exact_names() const {
  std::vector<std::string> names;
  for (const std::string& pattern : positive_) {
    if (!has_wildcard(pattern)) {
      names.push_back(pattern);
    }
  }
  return names;
}

std::string NameFilter::to_text() const {
  std::string text;
  for (const std::string& pattern : positive_) {
    text += (text.empty() ? "" : ":") + pattern;
  }
  for (std::size_t position = 0; position < negative_.size(); ++position) {
    text += std::string(text.empty() ? "" : ":") + (position == 0 ? "-" : "") + negative_[position];
  }
  return text;
}

}  // namespace lockstep::runner
