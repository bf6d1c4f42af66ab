// Shrinking keeps the failure and makes the schedule smaller; guided replay never diverges.
#include <gtest/gtest.h>

#include "scheduler/shrinker.h"
#include "scheduler/simulation.h"
#include "toy_scenarios.h"

namespace lockstep {
namespace {

constexpr int kNoiseSteps = 10;

struct BugRun {
  RunResult result;
  DecisionLog consumed;
};

BugRun run_bug(std::unique_ptr<Strategy> strategy) {
  Simulation simulation(SimulationConfig{}, std::move(strategy));
  toy::build_publish_before_initialize_bug(simulation, kNoiseSteps);
  BugRun run{simulation.run(), simulation.decisions()};
  return run;
}

DecisionLog first_failing_log() {
  for (std::uint64_t seed = 0;; ++seed) {
    BugRun run = run_bug(make_random_walk_strategy(seed));
    if (run.result.outcome == Outcome::fiber_exception) {
      return run.consumed;
    }
  }
}

TEST(GuidedStrategy, FollowsAFittingLogExactly) {
  const DecisionLog log = first_failing_log();
  const BugRun guided = run_bug(make_guided_strategy(log));
  EXPECT_EQ(guided.consumed, log);
  EXPECT_EQ(guided.result.outcome, Outcome::fiber_exception);
}

TEST(GuidedStrategy, NeverDivergesOnGarbage) {
  DecisionLog garbage;
  for (int index = 0; index < 50; ++index) {
    garbage.append(Decision{DecisionKind::integer, 1000, 999});
  }
  const BugRun guided = run_bug(make_guided_strategy(garbage));
  EXPECT_NE(guided.result.outcome, Outcome::replay_diverged);
  EXPECT_NE(guided.result.outcome, Outcome::running);
}

TEST(Shrinker, KeepsTheFailureAndShrinksTheLog) {
  const DecisionLog failing = first_failing_log();
  std::uint64_t probes = 0;
  const ShrinkProbe probe = [&probes](const DecisionLog& log) {
    ++probes;
    BugRun run = run_bug(make_guided_strategy(log));
    return ShrinkAttempt{run.result.outcome == Outcome::fiber_exception, run.consumed};
  };
  const ShrinkResult result = shrink_decision_log(failing, probe, 5000);
  ASSERT_TRUE(result.reproduced);
  // Every step here offers two candidates, so the log's length is fixed by the program: what
  // shrinks is the choices, down to the fewest departures from "first candidate".
  auto departures = [](const DecisionLog& log) {
    std::size_t count = 0;
    for (const Decision& decision : log.decisions()) {
      count += decision.value != 0 ? 1 : 0;
    }
    return count;
  };
  EXPECT_LT(decision_log_weight(result.log), decision_log_weight(failing));
  EXPECT_LT(departures(result.log), departures(failing));
  EXPECT_LE(departures(result.log), 2u) << "the bug needs only a couple of preemptions";
  EXPECT_EQ(result.runs, probes);
  // The shrunk log replays exactly, to the same failure.
  const BugRun replayed = run_bug(make_replay_strategy(result.log));
  EXPECT_EQ(replayed.result.outcome, Outcome::fiber_exception) << replayed.result.message;
  std::printf("shrunk %zu -> %zu non-first choices (%zu decisions) in %llu runs\n",
              departures(failing), departures(result.log), result.log.size(),
              static_cast<unsigned long long>(result.runs));
  // Shrinking is deterministic.
  EXPECT_EQ(shrink_decision_log(failing, probe, 5000).log, result.log);
}

TEST(Shrinker, ReportsALogThatDoesNotReproduce) {
  const ShrinkProbe never = [](const DecisionLog& log) { return ShrinkAttempt{false, log}; };
  DecisionLog log;
  log.append(Decision{DecisionKind::chance, 2, 1});
  const ShrinkResult result = shrink_decision_log(log, never);
  EXPECT_FALSE(result.reproduced);
  EXPECT_EQ(result.log, log);
}

}  // namespace
}  // namespace lockstep
