// The pattern suites on known implementations: the reference holds under random walk and PCT
// depths 1-5 in every combination (the harness's own plain client against its synchronous
// service included); schedules are deterministic and replay; and the checks that no bundled
// mutant exercises (a Completed event or a callback that never comes, a reply of another
// call) fire on small broken parts written here.
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

#include "conformance/patterns/pattern_schedule.h"
#include "conformance/registry/implementations.h"
#include "reference_patterns.h"

namespace lockstep::conformance {
namespace {

const lockstep_implementation& reference_table() {
  return *find_bundled_implementation("reference")->table;
}

std::string describe(const PatternScheduleResult& result, std::uint64_t seed) {
  return "seed " + std::to_string(seed) + " (" + client_pattern_name(result.combination.client) +
         " against " + service_pattern_name(result.combination.service) +
         "): " + result.world.summary();
}

constexpr PatternFamily kFamilies[] = {PatternFamily::async_result, PatternFamily::event_based,
                                       PatternFamily::task_based};

TEST(PatternSuites, TheReferenceHoldsUnderRandomWalkAndEveryCombinationIsReached) {
  std::set<std::pair<int, int>> combinations;
  for (const PatternFamily family : kFamilies) {
    std::set<std::pair<int, int>> of_family;
    std::uint64_t with_calls = 0;
    for (std::uint64_t seed = 0; seed < 300; ++seed) {
      const PatternScheduleResult result =
          run_pattern_schedule(reference_table(), family, seed, make_random_walk_strategy(seed));
      ASSERT_TRUE(result.world.passed())
          << pattern_family_name(family) << " " << describe(result, seed);
      with_calls += result.calls > 0 ? 1 : 0;  // none when the fault plan refused the connect
      of_family.insert({static_cast<int>(result.combination.client),
                        static_cast<int>(result.combination.service)});
    }
    EXPECT_EQ(of_family.size(), 7u) << pattern_family_name(family);
    EXPECT_GE(with_calls, 270u) << pattern_family_name(family);
    combinations.insert(of_family.begin(), of_family.end());
  }
  // Every client pattern against every service pattern, but the harness's own pair.
  EXPECT_EQ(combinations.size(), 15u);
}

TEST(PatternSuites, TheReferenceHoldsUnderPctDepthsOneToFive) {
  for (const PatternFamily family : kFamilies) {
    for (std::uint32_t depth = 1; depth <= 5; ++depth) {
      for (std::uint64_t seed = 0; seed < 60; ++seed) {
        const PatternScheduleResult result = run_pattern_schedule(
            reference_table(), family, seed, make_pct_strategy(seed, depth, 2000));
        ASSERT_TRUE(result.world.passed())
            << pattern_family_name(family) << " pct:" << depth << " " << describe(result, seed);
      }
    }
  }
}

TEST(PatternSuites, AllSixteenCombinationsHoldWhenGiven) {
  for (int client = 0; client < 4; ++client) {
    for (int service = 0; service < 4; ++service) {
      const PatternCombination combination{static_cast<ClientPattern>(client),
                                           static_cast<ServicePattern>(service)};
      for (std::uint64_t seed = 0; seed < 25; ++seed) {
        const PatternScheduleResult result = run_pattern_schedule_with(
            reference_table(), combination, seed, make_random_walk_strategy(seed));
        ASSERT_TRUE(result.world.passed()) << describe(result, seed);
        EXPECT_EQ(result.combination.client, combination.client);
      }
    }
  }
}

TEST(PatternSuites, SameSeedSameHashAndReplayReproduces) {
  std::set<std::uint64_t> hashes;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    const PatternScheduleResult first = run_pattern_schedule(
        reference_table(), PatternFamily::event_based, seed, make_random_walk_strategy(seed));
    // Other schedules in between must not matter.
    run_pattern_schedule(reference_table(), PatternFamily::task_based, seed + 1000,
                         make_random_walk_strategy(seed + 1000));
    const PatternScheduleResult second = run_pattern_schedule(
        reference_table(), PatternFamily::event_based, seed, make_random_walk_strategy(seed));
    ASSERT_EQ(first.world.run.trace_hash, second.world.run.trace_hash) << seed;
    const PatternScheduleResult replayed = run_pattern_schedule(
        reference_table(), PatternFamily::event_based, seed, make_replay_strategy(first.decisions));
    ASSERT_EQ(replayed.world.run.trace_hash, first.world.run.trace_hash) << seed;
    hashes.insert(first.world.run.trace_hash);
  }
  EXPECT_GE(hashes.size(), 38u);
}

TEST(PatternSuites, AMutantFailsTheSameWayOnReplay) {
  const Implementation& mutant = *find_bundled_implementation("task-continuation-inline");
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const PatternScheduleResult result = run_pattern_schedule(
        *mutant.table, PatternFamily::task_based, seed, make_random_walk_strategy(seed));
    if (result.world.passed()) {
      continue;
    }
    EXPECT_EQ(result.world.violations.front().rule, "TK5") << describe(result, seed);
    const PatternScheduleResult replayed = run_pattern_schedule(
        *mutant.table, PatternFamily::task_based, seed, make_replay_strategy(result.decisions));
    EXPECT_EQ(replayed.world.run.trace_hash, result.world.run.trace_hash);
    EXPECT_EQ(replayed.world.summary(), result.world.summary());
    return;
  }
  FAIL() << "task-continuation-inline was never caught in 200 schedules";
}

TEST(PatternSuites, APartWithOneRoleRunsInThatRoleAgainstEveryOtherSide) {
  lockstep_task_based_functions client_only = reference_task_based_functions;
  client_only.create_service = nullptr;
  lockstep_event_based_functions service_only = reference_event_based_functions;
  service_only.create_proxy = nullptr;
  lockstep_implementation table{};
  table.abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION;
  table.struct_size = sizeof(table);
  table.name = "one-role-parts";
  table.task_based = &client_only;
  table.event_based = &service_only;
  std::set<int> task_services;
  std::set<int> event_clients;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    const PatternScheduleResult task = run_pattern_schedule(table, PatternFamily::task_based, seed,
                                                            make_random_walk_strategy(seed));
    ASSERT_TRUE(task.world.passed()) << describe(task, seed);
    EXPECT_EQ(task.combination.client, ClientPattern::task_based);
    task_services.insert(static_cast<int>(task.combination.service));
    const PatternScheduleResult event = run_pattern_schedule(table, PatternFamily::event_based,
                                                             seed, make_random_walk_strategy(seed));
    ASSERT_TRUE(event.world.passed()) << describe(event, seed);
    EXPECT_EQ(event.combination.service, ServicePattern::event_based);
    event_clients.insert(static_cast<int>(event.combination.client));
  }
  EXPECT_EQ(task_services.size(), 4u);
  EXPECT_EQ(event_clients.size(), 4u);
}

// ---- broken parts the bundled mutants do not cover ------------------------------------------

// An event-based part that accepts every call and never raises anything.
HRESULT silent_start(lockstep_pattern_instance*, const lockstep_pattern_request*, void*,
                     const lockstep_event_handlers*, WS_ERROR*) {
  return S_OK;
}
HRESULT silent_cancel(lockstep_pattern_instance*, void*) {
  return S_OK;
}
BOOL always_busy(lockstep_pattern_instance*) {
  return TRUE;
}

// A task part whose result is always another call's reply.
HRESULT foreign_result(lockstep_task* task, void* reply, size_t capacity, size_t* size) {
  const HRESULT result = reference_task_based_functions.task_result(task, reply, capacity, size);
  if (SUCCEEDED(result) && capacity >= 9) {
    std::memcpy(reply, "reply 999", 9);
    *size = 9;
  }
  return result;
}

struct BrokenTables {
  lockstep_event_based_functions silent_events = reference_event_based_functions;
  lockstep_task_based_functions foreign_tasks = reference_task_based_functions;
  lockstep_implementation silent{};
  lockstep_implementation foreign{};

  BrokenTables() {
    silent_events.start = silent_start;
    silent_events.cancel = silent_cancel;
    silent_events.is_busy = always_busy;
    foreign_tasks.task_result = foreign_result;
    for (lockstep_implementation* table : {&silent, &foreign}) {
      table->abi_version = LOCKSTEP_IMPLEMENTATION_ABI_VERSION;
      table->struct_size = sizeof(lockstep_implementation);
      table->version = "1";
    }
    silent.name = "silent-events";
    silent.event_based = &silent_events;
    foreign.name = "foreign-results";
    foreign.task_based = &foreign_tasks;
  }
};

TEST(PatternSuites, ACompletedEventThatNeverComesIsEv1) {
  BrokenTables tables;
  const PatternCombination combination{ClientPattern::event_based, ServicePattern::synchronous};
  std::uint64_t caught = 0;
  std::uint64_t with_calls = 0;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const PatternScheduleResult result = run_pattern_schedule_with(tables.silent, combination, seed,
                                                                   make_random_walk_strategy(seed));
    if (result.calls == 0) {
      continue;  // the fault plan refused the client's connect
    }
    ++with_calls;
    for (const harness::Violation& violation : result.world.violations) {
      if (violation.rule == "EV1" &&
          violation.explanation.find("no Completed event") != std::string::npos) {
        ++caught;
        break;
      }
    }
  }
  EXPECT_GT(with_calls, 0u);
  EXPECT_EQ(caught, with_calls);
}

TEST(PatternSuites, AReplyOfAnotherCallIsMx1) {
  BrokenTables tables;
  const PatternCombination combination{ClientPattern::task_based, ServicePattern::synchronous};
  bool caught = false;
  for (std::uint64_t seed = 0; seed < 50 && !caught; ++seed) {
    const PatternScheduleResult result = run_pattern_schedule_with(
        tables.foreign, combination, seed, make_random_walk_strategy(seed));
    for (const harness::Violation& violation : result.world.violations) {
      caught = caught || (violation.rule == "MX1" &&
                          violation.explanation.find("'reply 999'") != std::string::npos);
    }
  }
  EXPECT_TRUE(caught);
}

}  // namespace
}  // namespace lockstep::conformance
