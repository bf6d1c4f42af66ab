// A recorded decision log replays to the same trace hash; a tampered one is detected, either
// as a divergence (with the decision named) or as a different hash.
#include <gtest/gtest.h>

#include "scheduler/simulation.h"
#include "toy_scenarios.h"

namespace lockstep {
namespace {

TEST(Replay, RecordedLogReplaysToTheSameHash) {
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    DecisionLog log;
    const RunResult original = toy::run_busy_world(make_random_walk_strategy(seed), &log);
    ASSERT_FALSE(log.empty());
    const RunResult replayed = toy::run_busy_world(make_replay_strategy(log));
    ASSERT_EQ(replayed.outcome, original.outcome) << replayed.message;
    ASSERT_EQ(replayed.trace_hash, original.trace_hash) << "seed " << seed;
  }
}

TEST(Replay, PctRunsReplayToo) {
  DecisionLog log;
  const RunResult original = toy::run_busy_world(make_pct_strategy(3, 4, 300), &log);
  EXPECT_EQ(toy::run_busy_world(make_replay_strategy(log)).trace_hash, original.trace_hash);
}

TEST(Replay, TextRoundTripKeepsTheHash) {
  DecisionLog log;
  const RunResult original = toy::run_busy_world(make_random_walk_strategy(11), &log);
  std::string error;
  auto parsed = DecisionLog::from_text(log.to_text(), error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(toy::run_busy_world(make_replay_strategy(*parsed)).trace_hash, original.trace_hash);
}

TEST(Replay, TamperedValueIsDetected) {
  DecisionLog log;
  const RunResult original = toy::run_busy_world(make_random_walk_strategy(21), &log);
  int detected = 0;
  int tampered = 0;
  for (std::size_t index = 0; index < log.size(); index += 7) {
    DecisionLog copy = log;
    Decision& decision = copy[index];
    decision.value = (decision.value + 1) % decision.bound;
    ++tampered;
    const RunResult replayed = toy::run_busy_world(make_replay_strategy(copy));
    if (replayed.outcome == Outcome::replay_diverged || replayed.trace_hash != original.trace_hash) {
      ++detected;
    }
  }
  EXPECT_EQ(detected, tampered) << "every changed decision must change the run";
}

TEST(Replay, TruncatedLogStopsAtTheFirstMissingDecision) {
  DecisionLog log;
  toy::run_busy_world(make_random_walk_strategy(8), &log);
  DecisionLog truncated;
  for (std::size_t index = 0; index < log.size() / 2; ++index) {
    truncated.append(log[index]);
  }
  const RunResult replayed = toy::run_busy_world(make_replay_strategy(truncated));
  EXPECT_EQ(replayed.outcome, Outcome::replay_diverged);
  EXPECT_NE(replayed.message.find("decision #" + std::to_string(truncated.size())),
            std::string::npos)
      << replayed.message;
  EXPECT_NE(replayed.message.find("log ends"), std::string::npos) << replayed.message;
}

TEST(Replay, KindMismatchNamesBothSides) {
  DecisionLog log;
  toy::run_busy_world(make_random_walk_strategy(9), &log);
  DecisionLog changed = log;
  changed[0] = Decision{DecisionKind::integer, 1000, 3};
  const RunResult replayed = toy::run_busy_world(make_replay_strategy(changed));
  EXPECT_EQ(replayed.outcome, Outcome::replay_diverged);
  EXPECT_NE(replayed.message.find("decision #0"), std::string::npos) << replayed.message;
  EXPECT_NE(replayed.message.find("integer among 1000"), std::string::npos) << replayed.message;
}

}  // namespace
}  // namespace lockstep
