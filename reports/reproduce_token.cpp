// Writing and reading reproduce tokens.
#include "reports/reproduce_token.h"

#include <charconv>
#include <vector>

namespace lockstep::reports {

namespace {

std::string without_colons(std::string text) {
  for (char& character : text) {
    if (character == ':' || character == ' ') {
      character = '_';
    }
  }
  return text;
}

bool parse_decimal(std::string_view text, std::uint64_t& value) {
  if (text.empty() || text.size() > 20) {
    return false;
  }
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
  return status == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string to_text(const ReproduceToken& token) {
  std::string text = without_colons(token.implementation) + ":" + without_colons(token.suite) +
                     ":" + std::to_string(token.run_seed) + ":" +
                     std::to_string(token.schedule_index);
  if (token.strategy != "random") {
    text += ":" + token.strategy;
  }
  return text;
}

std::optional<ReproduceToken> parse_reproduce_token(std::string_view text, std::string& error) {
  // The first four fields end at a ':'; the rest (possibly "pct:3") is the strategy.
  std::vector<std::string_view> fields;
  std::string_view rest = text;
  bool has_strategy = false;
  while (fields.size() < 4) {
    const std::size_t colon = rest.find(':');
    fields.push_back(rest.substr(0, colon));
    if (colon == std::string_view::npos) {
      rest = {};
      break;
    }
    rest = rest.substr(colon + 1);
    has_strategy = fields.size() == 4;
  }
  if (fields.size() < 4) {
    error = "not a reproduce string (IMPLEMENTATION:SUITE:SEED:SCHEDULE[:STRATEGY])";
    return std::nullopt;
  }
  ReproduceToken token;
  token.implementation = fields[0];
  token.suite = fields[1];
  if (token.implementation.empty() || token.suite.empty()) {
    error = "a reproduce string names an implementation and a suite";
    return std::nullopt;
  }
  if (!parse_decimal(fields[2], token.run_seed) ||
      !parse_decimal(fields[3], token.schedule_index)) {
    error = "a reproduce string's seed and schedule are decimal numbers below 2^64";
    return std::nullopt;
  }
  if (has_strategy) {
    if (rest.empty()) {
      error = "a reproduce string ends with an empty strategy";
      return std::nullopt;
    }
    token.strategy = std::string(rest);
  }
  return token;
}

}  // namespace lockstep::reports
