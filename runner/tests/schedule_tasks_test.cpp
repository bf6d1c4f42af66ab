// Task numbering: shards split the indices without overlap or gap; record lines round-trip.
#include <gtest/gtest.h>

#include <set>

#include "runner/schedule_tasks.h"

namespace lockstep::runner {
namespace {

std::vector<SuitePairing> two_implementations() {
  return {SuitePairing{0, 0, 0}, SuitePairing{1, 0, 0}, SuitePairing{1, 1, 1}};
}

TEST(ScheduleTasks, ShardsPartitionTheIndices) {
  for (const std::uint64_t runs : {1u, 7u, 40u}) {
    for (const std::uint64_t count : {1u, 2u, 3u, 5u, 9u}) {
      std::multiset<std::pair<std::size_t, std::uint64_t>> seen;
      for (std::uint64_t shard = 1; shard <= count; ++shard) {
        const ScheduleTaskSpace space(two_implementations(), runs, std::nullopt, shard, count);
        for (std::uint64_t task = 0; task < *space.size(); ++task) {
          const ScheduleTask at = space.at(task);
          EXPECT_EQ(at.schedule_index % count, shard - 1);
          seen.insert({at.pairing.implementation_position * 10 + at.pairing.suite_position,
                       at.schedule_index});
        }
      }
      EXPECT_EQ(seen.size(), 3 * runs) << runs << " " << count;
      EXPECT_EQ(std::set(seen.begin(), seen.end()).size(), seen.size());
    }
  }
}

TEST(ScheduleTasks, BoundedRunsGoImplementationByImplementation) {
  const ScheduleTaskSpace space(two_implementations(), 4, std::nullopt, 1, 1);
  EXPECT_EQ(space.size(), 12u);
  EXPECT_EQ(space.tasks_of(0), 4u);
  EXPECT_EQ(space.tasks_of(1), 8u);
  EXPECT_EQ(space.at(3).pairing.implementation_position, 0u);
  EXPECT_EQ(space.at(4).pairing.implementation_position, 1u);
}

TEST(ScheduleTasks, TimedRunsGoRoundByRound) {
  const ScheduleTaskSpace space(two_implementations(), std::nullopt, std::nullopt, 2, 3);
  EXPECT_FALSE(space.size());
  EXPECT_EQ(space.at(0).schedule_index, 1u);
  EXPECT_EQ(space.at(2).schedule_index, 1u);
  EXPECT_EQ(space.at(3).schedule_index, 4u);
  const ScheduleTaskSpace nothing({}, std::nullopt, std::nullopt, 1, 1);
  EXPECT_EQ(nothing.size(), 0u);
}

// --shard 1/(2^64 - 1) is valid: no count overflows, and under --time the shard runs out after
// the few indices it owns instead of wrapping around.
TEST(ScheduleTasks, AHugeShardCountNeitherOverflowsNorWraps) {
  const std::uint64_t count = UINT64_MAX;
  const ScheduleTaskSpace runs(two_implementations(), 1000, std::nullopt, 1, count);
  EXPECT_EQ(runs.size(), 3u) << "index 0 of each pairing";
  const ScheduleTaskSpace last(two_implementations(), 1000, std::nullopt, count, count);
  EXPECT_EQ(last.size(), 0u);
  const ScheduleTaskSpace timed(two_implementations(), std::nullopt, std::nullopt, 1, count);
  ASSERT_TRUE(timed.size());
  EXPECT_EQ(*timed.size(), 6u) << "indices 0 and 2^64 - 1, round by round";
  EXPECT_EQ(timed.at(0).schedule_index, 0u);
  EXPECT_EQ(timed.at(3).schedule_index, UINT64_MAX);
  const ScheduleTaskSpace unsharded(two_implementations(), std::nullopt, std::nullopt, 1, 1);
  EXPECT_FALSE(unsharded.size());
}

TEST(ScheduleRecord, LineRoundTrips) {
  ScheduleRecord record;
  record.task = 12345;
  record.trace_hash = 0x00ff00ff00ff00ffull;
  record.abnormal_outcome = "deadlock";
  record.violations = {"AM5", "AM1", "AM5"};
  const std::optional<ScheduleRecord> back = ScheduleRecord::parse(record.to_line());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->to_line(), record.to_line());
  EXPECT_EQ(back->rules(), (std::vector<std::string>{"AM5", "AM1", "deadlock"}));
  EXPECT_FALSE(ScheduleRecord::parse("12 nothex -"));
  EXPECT_FALSE(ScheduleRecord::parse(""));
}

}  // namespace
}  // namespace lockstep::runner
