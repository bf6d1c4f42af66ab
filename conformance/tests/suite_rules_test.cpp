// Every rule of the catalogue (AM, CH, SV, the .NET patterns' AP, EV and TK, and the exchange
// rule MX1) is checked by at least one suite, and every suite names the rules it checks, each
// of them in the catalogue; suites_checking answers from those lists.
// Each suite's PCT k is the length its schedules really have.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/registry/implementations.h"
#include "conformance/registry/suites.h"
#include "scheduler/hash.h"

namespace lockstep::conformance {
namespace {

TEST(SuiteRules, EverySuiteNamesKnownRules) {
  for (const Suite& suite : suites()) {
    EXPECT_FALSE(suite.rules.empty()) << suite.name << " names no rule";
    for (const std::string& rule : suite.rules) {
      EXPECT_NE(find_rule(rule), nullptr) << suite.name << " names unknown rule " << rule;
    }
  }
}

TEST(SuiteRules, EveryRuleOfTheCatalogueIsExercised) {
  std::set<std::string> exercised;
  for (const Suite& suite : suites()) {
    exercised.insert(suite.rules.begin(), suite.rules.end());
  }
  for (const Rule& rule : rule_catalogue()) {
    EXPECT_TRUE(exercised.count(std::string(rule.id)) > 0)
        << rule.id << " (" << rule.title << ") is exercised by no suite";
    EXPECT_FALSE(suites_checking(rule.id).empty()) << rule.id;
  }
}

// PCT draws its d-1 change points over pct_estimated_steps steps (Burckhardt et al.'s k):
// change points past a schedule's end are wasted (with k = 2000 against schedules of 35-136
// steps, pct:3 never found double-callback-on-abort-race). The estimate must stay the mean
// length of the suite's schedules on its correct implementation, within a factor of 1.5.
TEST(SuiteRules, PctStepEstimateIsTheMeasuredScheduleLength) {
  constexpr std::uint64_t kSchedules = 200;
  StackPool pool(StackPool::default_usable_bytes());
  harness::ScheduleOptions options;
  options.stack_pool = &pool;
  for (const Suite& suite : suites()) {
    const Implementation* correct =
        find_bundled_implementation(suite.name == "echo" ? "archetype" : "reference");
    ASSERT_NE(correct, nullptr);
    ASSERT_TRUE(suite.applies(*correct)) << suite.name;
    std::uint64_t steps = 0;
    for (std::uint64_t index = 0; index < kSchedules; ++index) {
      const std::uint64_t seed = hash_mix(0x5043546B, index);
      steps += suite.run(*correct, seed, make_random_walk_strategy(seed), options).world.run.steps;
    }
    const double mean = static_cast<double>(steps) / kSchedules;
    const auto estimate = static_cast<double>(suite.pct_estimated_steps);
    EXPECT_GE(estimate, mean / 1.5) << suite.name << ": measured mean " << mean << " steps";
    EXPECT_LE(estimate, mean * 1.5) << suite.name << ": measured mean " << mean << " steps";
  }
}

TEST(SuiteRules, SuitesCheckingFollowsTheSuitesRuleLists) {
  EXPECT_EQ(suites_checking("MX1"),
            (std::vector<std::string>{"async-result", "event-based", "task-based"}));
  EXPECT_EQ(suites_checking("AP1"), (std::vector<std::string>{"async-result"}));
  EXPECT_EQ(suites_checking("SV4"), (std::vector<std::string>{"service"}));
  EXPECT_TRUE(suites_checking("XY9").empty());
}

}  // namespace
}  // namespace lockstep::conformance
