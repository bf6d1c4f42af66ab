// Strategy names as the command line and replay files spell them.
#include <charconv>

#include "scheduler/strategy.h"

namespace lockstep {

std::string StrategySpec::to_text() const {
  if (kind == Kind::pct) {
    return "pct:" + std::to_string(pct_depth);
  }
  return "random";
}

std::optional<StrategySpec> parse_strategy_spec(std::string_view text, std::string& error) {
  StrategySpec spec;
  if (text == "random") {
    return spec;
  }
  if (text == "pct") {
    spec.kind = StrategySpec::Kind::pct;
    return spec;
  }
  if (text.starts_with("pct:")) {
    const std::string_view digits = text.substr(4);
    std::uint32_t depth = 0;
    auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), depth);
    if (status == std::errc() && end == digits.data() + digits.size() && depth >= 1 &&
        depth <= 64) {
      spec.kind = StrategySpec::Kind::pct;
      spec.pct_depth = depth;
      return spec;
    }
    error = "invalid PCT depth in strategy '" + std::string(text) + "' (expected pct:1 to pct:64)";
    return std::nullopt;
  }
  error = "unknown strategy '" + std::string(text) + "' (expected random, pct or pct:DEPTH)";
  return std::nullopt;
}

std::unique_ptr<Strategy> make_strategy(const StrategySpec& spec, std::uint64_t seed,
                                        std::uint64_t estimated_steps) {
  if (spec.kind == StrategySpec::Kind::pct) {
    return make_pct_strategy(seed, spec.pct_depth, estimated_steps);
  }
  return make_random_walk_strategy(seed);
}

}  // namespace lockstep
