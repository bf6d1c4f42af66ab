// Scheduling strategies: who decides every choice of a schedule.
//
// The simulation never chooses by itself: which ready candidate runs next, and every chance
// or integer the simulated world draws, is asked of a Strategy. Random walk explores
// uniformly; PCT (Burckhardt et al., ASPLOS'10) finds bugs of small depth with a proven
// probability; replay follows a recorded decision log and reports the first divergence.
// Invariants: a strategy's answers depend only on its seed and the questions asked;
// candidate keys are stable ids (never addresses), given in a deterministic order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "scheduler/decision_log.h"
#include "scheduler/prng.h"

namespace lockstep {

class Strategy {
 public:
  virtual ~Strategy() = default;

  /// Text form that `parse_strategy_spec` accepts back ("random", "pct:3", "replay").
  virtual std::string description() const = 0;

  /// Index into `candidate_keys` (two or more) of the candidate to run at `step`.
  virtual std::size_t pick(std::span<const std::uint64_t> candidate_keys, std::uint64_t step) = 0;
  /// A yes/no draw that is true with probability numerator/denominator.
  virtual bool chance(std::uint32_t numerator, std::uint32_t denominator) = 0;
  /// An integer draw in [0, bound); bound >= 2.
  virtual std::uint64_t integer(std::uint64_t bound) = 0;
  /// Tells the strategy a candidate key will never be offered again.
  virtual void forget(std::uint64_t /*candidate_key*/) {}
  /// Non-null once a replay cannot follow its log (one line saying where); the simulation
  /// then stops. Checked after every decision, so it must be cheap.
  virtual const std::string* divergence() const { return nullptr; }
};

/// A strategy named on the command line: `random` or `pct[:DEPTH]`.
struct StrategySpec {
  enum class Kind { random_walk, pct } kind = Kind::random_walk;
  std::uint32_t pct_depth = 3;

  std::string to_text() const;
};

/// Parses "random", "pct" or "pct:D" (1 <= D <= 64). On failure returns nullopt and sets a
/// one-line `error`.
std::optional<StrategySpec> parse_strategy_spec(std::string_view text, std::string& error);

/// Builds a fresh strategy for one schedule. `estimated_steps` sizes PCT's change points.
std::unique_ptr<Strategy> make_strategy(const StrategySpec& spec, std::uint64_t seed,
                                        std::uint64_t estimated_steps);

std::unique_ptr<Strategy> make_random_walk_strategy(std::uint64_t seed);
std::unique_ptr<Strategy> make_pct_strategy(std::uint64_t seed, std::uint32_t depth,
                                            std::uint64_t estimated_steps);
/// Follows `log` exactly; data draws and picks must match the recorded kind and bound.
std::unique_ptr<Strategy> make_replay_strategy(DecisionLog log);
/// Follows `log` where it fits and answers 0 / false / the first candidate elsewhere; never
/// diverges from the log. The shrinker runs edited logs with it. After `decision_budget`
/// answers it reports a divergence ("decision budget"), which stops the simulation: the
/// shrinker's way of cutting short a run that can no longer produce a smaller log.
std::unique_ptr<Strategy> make_guided_strategy(DecisionLog log,
                                               std::uint64_t decision_budget = UINT64_MAX);

}  // namespace lockstep
