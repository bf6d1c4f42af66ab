// Shrinking keeps the failure and makes the schedule smaller; guided replay never diverges
// from its log, and stops at its decision budget without changing what the shrink finds.
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

TEST(GuidedStrategy, StopsAtItsDecisionBudget) {
  const DecisionLog log = first_failing_log();
  ASSERT_GT(log.size(), 3u);
  const BugRun cut = run_bug(make_guided_strategy(log, 3));
  EXPECT_EQ(cut.result.outcome, Outcome::replay_diverged);
  EXPECT_NE(cut.result.message.find("decision budget"), std::string::npos) << cut.result.message;
  EXPECT_GE(cut.consumed.size(), 3u);
  EXPECT_LT(cut.consumed.size(), log.size());
  const BugRun whole = run_bug(make_guided_strategy(log, log.size() + 1));
  EXPECT_EQ(whole.consumed, log);
  EXPECT_EQ(whole.result.outcome, Outcome::fiber_exception);
}

TEST(Shrinker, ADecisionBudgetIsReachedOnlyByLogsThatCannotWin) {
  DecisionLog zeros;
  for (int index = 0; index < 3; ++index) {
    zeros.append(Decision{DecisionKind::schedule, 2, 0});
  }
  EXPECT_EQ(decisions_that_cannot_win(zeros), 3u);  // three zeros weigh as much as it does
  DecisionLog ones = zeros;
  ones[1].value = 1;
  EXPECT_EQ(decisions_that_cannot_win(ones), 4u);  // three decisions with values are lighter
  DecisionLog four_zeros = zeros;
  four_zeros.append(Decision{DecisionKind::schedule, 2, 0});
  EXPECT_GE(decision_log_weight(four_zeros), decision_log_weight(ones));
  EXPECT_LT(decision_log_weight(zeros), decision_log_weight(ones));
}

TEST(Shrinker, KeepsTheFailureAndShrinksTheLog) {
  const DecisionLog failing = first_failing_log();
  std::uint64_t probes = 0;
  const ShrinkProbe probe = [&probes](const DecisionLog& log, std::uint64_t decision_budget) {
    ++probes;
    BugRun run = run_bug(make_guided_strategy(log, decision_budget));
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
  // Runs cut at their decision budget are runs the shrinker would have rejected anyway.
  const ShrinkProbe unbounded = [](const DecisionLog& log, std::uint64_t) {
    BugRun run = run_bug(make_guided_strategy(log));
    return ShrinkAttempt{run.result.outcome == Outcome::fiber_exception, run.consumed};
  };
  const ShrinkResult without_budget = shrink_decision_log(failing, unbounded, 5000);
  EXPECT_EQ(without_budget.log, result.log);
  EXPECT_EQ(without_budget.runs, result.runs);
}

TEST(Shrinker, ReportsALogThatDoesNotReproduce) {
  const ShrinkProbe never = [](const DecisionLog& log, std::uint64_t) {
    return ShrinkAttempt{false, log};
  };
  DecisionLog log;
  log.append(Decision{DecisionKind::chance, 2, 1});
  const ShrinkResult result = shrink_decision_log(log, never);
  EXPECT_FALSE(result.reproduced);
  EXPECT_EQ(result.log, log);
}

}  // namespace
}  // namespace lockstep
