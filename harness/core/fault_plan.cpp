// Drawing, printing and parsing fault plans.
#include "harness/core/fault_plan.h"

#include <charconv>
#include <vector>

#include "scheduler/prng.h"

namespace lockstep::harness {

FaultPlan FaultPlan::draw(std::uint64_t seed) {
  Prng prng(seed ^ 0x6661756C74706C61ull);  // "faultpla": independent of the strategy's stream
  FaultPlan plan;
  // Each knob is sometimes off entirely, so that some schedules isolate one kind of fault.
  static constexpr std::uint64_t kDelayChoicesNs[] = {0, 1'000, 50'000, 2'000'000, 20'000'000};
  plan.delay_max_ns = kDelayChoicesNs[prng.below(5)];
  static constexpr std::uint32_t kRatioChoices[] = {0, 0, 5, 30, 120, 300};
  plan.drop_per_mille = kRatioChoices[prng.below(6)];
  plan.refuse_per_mille = kRatioChoices[prng.below(6)];
  plan.shutdown_per_mille = kRatioChoices[prng.below(6)];
  plan.abort_per_mille = kRatioChoices[prng.below(6)];
  static constexpr std::uint64_t kPhaseChoicesNs[] = {0, 1'000'000, 50'000'000, 500'000'000};
  plan.fault_phase_ns = kPhaseChoicesNs[prng.below(4)];
  plan.healed_delay_max_ns = prng.chance(1, 2) ? 0 : 10'000;
  return plan;
}

FaultPlan FaultPlan::none() { return FaultPlan{}; }

std::string FaultPlan::to_text() const {
  return "delay<=" + std::to_string(delay_max_ns) + "ns drop=" + std::to_string(drop_per_mille) +
         "/1000 refuse=" + std::to_string(refuse_per_mille) +
         "/1000 shutdown=" + std::to_string(shutdown_per_mille) +
         "/1000 abort=" + std::to_string(abort_per_mille) + "/1000 heal@" +
         std::to_string(fault_phase_ns) + "ns healed-delay<=" +
         std::to_string(healed_delay_max_ns) + "ns";
}

namespace {

// Parses "<prefix><digits><suffix>" exactly.
template <typename Integer>
bool parse_field(std::string_view token, std::string_view prefix, std::string_view suffix,
                 Integer& out) {
  if (!token.starts_with(prefix) || !token.ends_with(suffix) ||
      token.size() <= prefix.size() + suffix.size()) {
    return false;
  }
  const std::string_view digits =
      token.substr(prefix.size(), token.size() - prefix.size() - suffix.size());
  auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return status == std::errc() && end == digits.data() + digits.size();
}

}  // namespace

std::optional<FaultPlan> FaultPlan::from_text(std::string_view text, std::string& error) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    if (end > start) {
      tokens.push_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  FaultPlan plan;
  const bool ok = tokens.size() == 7 &&
                  parse_field(tokens[0], "delay<=", "ns", plan.delay_max_ns) &&
                  parse_field(tokens[1], "drop=", "/1000", plan.drop_per_mille) &&
                  parse_field(tokens[2], "refuse=", "/1000", plan.refuse_per_mille) &&
                  parse_field(tokens[3], "shutdown=", "/1000", plan.shutdown_per_mille) &&
                  parse_field(tokens[4], "abort=", "/1000", plan.abort_per_mille) &&
                  parse_field(tokens[5], "heal@", "ns", plan.fault_phase_ns) &&
                  parse_field(tokens[6], "healed-delay<=", "ns", plan.healed_delay_max_ns);
  if (!ok || plan.drop_per_mille > 1000 || plan.refuse_per_mille > 1000 ||
      plan.shutdown_per_mille > 1000 || plan.abort_per_mille > 1000) {
    error = "malformed fault plan '" + std::string(text) +
            "' (expected: delay<=Nns drop=N/1000 refuse=N/1000 shutdown=N/1000 abort=N/1000 "
            "heal@Nns healed-delay<=Nns, ratios at most 1000)";
    return std::nullopt;
  }
  return plan;
}

}  // namespace lockstep::harness
