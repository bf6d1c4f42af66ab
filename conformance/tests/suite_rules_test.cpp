// Every rule of CONTRACT.md sections 2-4 (AM, CH, SV) is checked by at least one suite, and
// every suite names the rules it checks, each of them in the catalogue. The .NET pattern
// rules (AP, EV, TK, section 5) have no implementation part in the ABI yet and are not claimed.
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

TEST(SuiteRules, EveryAsyncModelChannelAndServiceRuleIsExercised) {
  std::set<std::string> exercised;
  for (const Suite& suite : suites()) {
    exercised.insert(suite.rules.begin(), suite.rules.end());
  }
  for (const Rule& rule : rule_catalogue()) {
    const std::string family(rule.family);
    if (family == "async model" || family == "channel" || family == "service host") {
      EXPECT_TRUE(exercised.count(std::string(rule.id)) > 0)
          << rule.id << " (" << rule.title << ") is exercised by no suite";
    }
  }
}

}  // namespace
}  // namespace lockstep::conformance
