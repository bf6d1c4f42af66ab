// Filters over names in --gtest_filter's form, for --impl, --suite and --rule: a ':'-separated
// list of patterns where '*' matches any run of characters and '?' any one character; a
// pattern that starts with '-' begins the negative part, and every pattern after it excludes.
// "AM*:CH1" selects AM1..AM12 and CH1; "*:-AM10" (or "-AM10" alone) everything but AM10;
// "archetype*:-*pointer" the archetypes without the one ending in "pointer".
//
// GoogleTest splits positive from negative at the first '-'; our names are kebab-case
// (callback-on-sync-path), so here only a '-' at the start of a pattern means "exclude". Several
// occurrences of one flag add up: their positive patterns are alternatives, their negative
// patterns all apply. Matching is exact and case-sensitive, with no other metacharacters, so a
// filter means the same on every shell and machine.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::runner {

class NameFilter {
 public:
  /// Every name passes.
  NameFilter() = default;
  /// Parses the flag's occurrences. nullopt with a one-line `error` for an empty pattern.
  static std::optional<NameFilter> parse(const std::vector<std::string>& arguments,
                                         std::string& error);

  bool matches(std::string_view name) const;
  /// True when no pattern was given.
  bool empty() const { return positive_.empty() && negative_.empty(); }
  /// The positive patterns without a wildcard: names that must exist.
  std::vector<std::string> exact_names() const;
  const std::vector<std::string>& positive() const { return positive_; }
  const std::vector<std::string>& negative() const { return negative_; }
  /// The filter written back in the flag's form, e.g. "AM*:CH1:-AM10"; empty when empty().
  std::string to_text() const;

  /// '*' and '?' matching of a whole name.
  static bool glob_matches(std::string_view pattern, std::string_view name);
  static bool has_wildcard(std::string_view pattern);

 private:
  std::vector<std::string> positive_;
  std::vector<std::string> negative_;
};

}  // namespace lockstep::runner
