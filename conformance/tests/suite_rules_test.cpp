// Every rule of the catalogue (AM, CH, SV, the .NET patterns' AP, EV and TK, and the exchange
// rule MX1) is checked by at least one suite, and every suite names the rules it checks, each
// of them in the catalogue; suites_checking answers from those lists.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/registry/suites.h"

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

TEST(SuiteRules, SuitesCheckingFollowsTheSuitesRuleLists) {
  EXPECT_EQ(suites_checking("MX1"),
            (std::vector<std::string>{"async-result", "event-based", "task-based"}));
  EXPECT_EQ(suites_checking("AP1"), (std::vector<std::string>{"async-result"}));
  EXPECT_EQ(suites_checking("SV4"), (std::vector<std::string>{"service"}));
  EXPECT_TRUE(suites_checking("XY9").empty());
}

}  // namespace
}  // namespace lockstep::conformance
