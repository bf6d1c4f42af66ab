// Text encoding of decision logs (the `decisions` line of a replay file).
#include "scheduler/decision_log.h"

#include <charconv>

namespace lockstep {

std::string_view decision_kind_name(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::schedule:
      return "schedule";
    case DecisionKind::chance:
      return "chance";
    case DecisionKind::integer:
      return "integer";
  }
  return "unknown";
}

std::optional<DecisionKind> decision_kind_from_name(std::string_view name) {
  for (DecisionKind kind : {DecisionKind::schedule, DecisionKind::chance, DecisionKind::integer}) {
    if (decision_kind_name(kind) == name) {
      return kind;
    }
  }
  return std::nullopt;
}

namespace {

char kind_letter(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::schedule:
      return 's';
    case DecisionKind::chance:
      return 'c';
    case DecisionKind::integer:
      return 'i';
  }
  return '?';
}

std::optional<DecisionKind> kind_from_letter(char letter) {
  switch (letter) {
    case 's':
      return DecisionKind::schedule;
    case 'c':
      return DecisionKind::chance;
    case 'i':
      return DecisionKind::integer;
    default:
      return std::nullopt;
  }
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  if (text.empty()) {
    return false;
  }
  const char* end = text.data() + text.size();
  auto [pointer, error] = std::from_chars(text.data(), end, out);
  return error == std::errc() && pointer == end;
}

}  // namespace

std::string DecisionLog::to_text() const {
  std::string text;
  text.reserve(decisions_.size() * 6);
  for (const Decision& decision : decisions_) {
    if (!text.empty()) {
      text.push_back(' ');
    }
    text.push_back(kind_letter(decision.kind));
    text += std::to_string(decision.bound);
    text.push_back(':');
    text += std::to_string(decision.value);
  }
  return text;
}

std::optional<DecisionLog> DecisionLog::from_text(std::string_view text, std::string& error) {
  DecisionLog log;
  std::size_t position = 0;
  std::size_t index = 0;
  while (position < text.size()) {
    if (text[position] == ' ') {
      ++position;
      continue;
    }
    std::size_t end = text.find(' ', position);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view token = text.substr(position, end - position);
    position = end;
    const std::size_t colon = token.find(':');
    const std::optional<DecisionKind> kind = kind_from_letter(token.front());
    std::uint64_t bound = 0;
    std::uint64_t value = 0;
    if (!kind || colon == std::string_view::npos || !parse_u64(token.substr(1, colon - 1), bound) ||
        !parse_u64(token.substr(colon + 1), value) || bound == 0 || value >= bound ||
        bound >= kMaxDecisionBound) {
      error = "decision #" + std::to_string(index) + " is malformed: '" + std::string(token) +
              "' (expected s|c|i<bound>:<value> with value < bound)";
      return std::nullopt;
    }
    log.append(Decision{*kind, bound, value});
    ++index;
  }
  return log;
}

}  // namespace lockstep
