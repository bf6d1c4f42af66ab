// PCT finds a depth-2 ordering bug within the number of runs its probability bound predicts,
// and the failing run replays to the same failure and hash.
#include <gtest/gtest.h>

#include <cmath>

#include "scheduler/simulation.h"
#include "toy_scenarios.h"

namespace lockstep {
namespace {

constexpr int kNoiseSteps = 10;

RunResult run_bug(std::unique_ptr<Strategy> strategy, DecisionLog* log = nullptr) {
  Simulation simulation(SimulationConfig{}, std::move(strategy));
  toy::build_publish_before_initialize_bug(simulation, kNoiseSteps);
  RunResult result = simulation.run();
  if (log != nullptr) {
    *log = simulation.decisions();
  }
  return result;
}

TEST(Pct, FindsDepthTwoBugWithinItsBoundAndTheFailureReplays) {
  const std::uint64_t steps = toy::publish_before_initialize_steps(kNoiseSteps);
  const std::uint64_t threads = 2;
  // PCT guarantees p >= 1 / (n * k^(d-1)) per run; with d = 2 that is 1/(n k). Runs needed so
  // that a miss has probability below 1e-6: ln(1e6) / p.
  const double per_run = 1.0 / static_cast<double>(threads * steps);
  const auto bound_runs = static_cast<std::uint64_t>(std::ceil(std::log(1e6) / per_run));
  std::optional<std::uint64_t> failing_seed;
  std::uint64_t failures = 0;
  for (std::uint64_t seed = 0; seed < bound_runs; ++seed) {
    const RunResult result = run_bug(make_pct_strategy(seed, 2, steps));
    if (result.outcome == Outcome::fiber_exception) {
      ++failures;
      if (!failing_seed) {
        failing_seed = seed;
      }
    } else {
      ASSERT_EQ(result.outcome, Outcome::completed) << result.message;
    }
  }
  ASSERT_TRUE(failing_seed) << "PCT(d=2) missed a depth-2 bug in " << bound_runs << " runs";
  // The observed rate must honour the bound (with slack for sampling noise).
  EXPECT_GE(static_cast<double>(failures) / static_cast<double>(bound_runs), per_run / 2)
      << failures << " failures in " << bound_runs << " runs";
  std::printf("PCT(d=2): first failure at run %llu, %llu failures in %llu runs (bound p >= %.4f)\n",
              static_cast<unsigned long long>(*failing_seed + 1),
              static_cast<unsigned long long>(failures),
              static_cast<unsigned long long>(bound_runs), per_run);

  DecisionLog log;
  const RunResult failing = run_bug(make_pct_strategy(*failing_seed, 2, steps), &log);
  ASSERT_EQ(failing.outcome, Outcome::fiber_exception);
  EXPECT_EQ(failing.fiber_name, "consumer");
  const RunResult replayed = run_bug(make_replay_strategy(log));
  EXPECT_EQ(replayed.outcome, Outcome::fiber_exception) << replayed.message;
  EXPECT_EQ(replayed.trace_hash, failing.trace_hash);
  EXPECT_EQ(replayed.message, failing.message);
}

TEST(Pct, DepthOneNeverFindsADepthTwoBug) {
  // With no change points PCT runs the highest priority fiber to completion first: the bug
  // needs a preemption between publish and initialize, so depth 1 must never see it. This
  // shows the depth parameter is real, not decoration.
  const std::uint64_t steps = toy::publish_before_initialize_steps(kNoiseSteps);
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    EXPECT_EQ(run_bug(make_pct_strategy(seed, 1, steps)).outcome, Outcome::completed);
  }
}

TEST(StrategySpec, ParsesAndRejects) {
  std::string error;
  EXPECT_EQ(parse_strategy_spec("random", error)->to_text(), "random");
  EXPECT_EQ(parse_strategy_spec("pct", error)->to_text(), "pct:3");
  EXPECT_EQ(parse_strategy_spec("pct:5", error)->to_text(), "pct:5");
  for (const char* bad : {"pct:0", "pct:x", "pct:65", "dfs", ""}) {
    error.clear();
    EXPECT_FALSE(parse_strategy_spec(bad, error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

}  // namespace
}  // namespace lockstep
