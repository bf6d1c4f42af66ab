// --impl/--suite/--rule filters in --gtest_filter's form, and what a run expects of each
// bundled implementation (the self-check verdict's table of suites and parts).
#include <gtest/gtest.h>

#include "conformance/registry/implementations.h"
#include "conformance/registry/suites.h"
#include "runner/name_filter.h"
#include "runner/suite_rules.h"

namespace lockstep::runner {
namespace {

NameFilter filter_of(std::vector<std::string> arguments) {
  std::string error;
  std::optional<NameFilter> filter = NameFilter::parse(arguments, error);
  EXPECT_TRUE(filter) << error;
  return filter.value_or(NameFilter{});
}

TEST(NameFilter, GlobsMatchWholeNames) {
  EXPECT_TRUE(NameFilter::glob_matches("AM*", "AM10"));
  EXPECT_TRUE(NameFilter::glob_matches("AM?", "AM1"));
  EXPECT_FALSE(NameFilter::glob_matches("AM?", "AM10"));
  EXPECT_TRUE(NameFilter::glob_matches("*pointer", "archetype-context-by-pointer"));
  EXPECT_TRUE(NameFilter::glob_matches("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(NameFilter::glob_matches("a*b*c", "aXbYbZ"));
  EXPECT_TRUE(NameFilter::glob_matches("*", ""));
  EXPECT_FALSE(NameFilter::glob_matches("AM1", "AM10")) << "no implicit prefix match";
  EXPECT_FALSE(NameFilter::glob_matches(std::string(40, '*') + "x", std::string(200, 'a')));
}

TEST(NameFilter, PositiveThenNegativeAsGoogleTestDoes) {
  const NameFilter filter = filter_of({"AM*:CH1:-AM10:AM11"});
  EXPECT_TRUE(filter.matches("AM1"));
  EXPECT_TRUE(filter.matches("CH1"));
  EXPECT_FALSE(filter.matches("AM10"));
  EXPECT_FALSE(filter.matches("AM11")) << "every pattern after the '-' excludes";
  EXPECT_FALSE(filter.matches("SV1"));
  EXPECT_EQ(filter.to_text(), "AM*:CH1:-AM10:AM11");
  EXPECT_EQ(filter.exact_names(), std::vector<std::string>{"CH1"});
}

TEST(NameFilter, KebabCaseNamesAndNegationAlone) {
  const NameFilter filter = filter_of({"-reference"});
  EXPECT_TRUE(filter.matches("callback-on-sync-path")) << "a '-' inside a name is a name";
  EXPECT_FALSE(filter.matches("reference"));
  const NameFilter several = filter_of({"archetype*", "-*pointer"});
  EXPECT_TRUE(several.matches("archetype-read-after-completion"));
  EXPECT_FALSE(several.matches("archetype-context-by-pointer"));
  EXPECT_FALSE(several.matches("reference"));
  EXPECT_TRUE(NameFilter{}.matches("anything"));
}

TEST(NameFilter, EmptyPatternsAreRefused) {
  for (const char* text : {"", "AM1:", "::", "AM1:-"}) {
    std::string error;
    EXPECT_FALSE(NameFilter::parse({text}, error)) << text;
    EXPECT_NE(error.find("empty pattern"), std::string::npos) << error;
  }
}

TEST(Expectations, EverySuiteExercisesAKnownPart) {
  for (const conformance::Suite& suite : conformance::suites()) {
    EXPECT_FALSE(part_exercised_by(suite.name).empty())
        << suite.name << ": add it to part_exercised_by, or mutants are judged by rules alone";
  }
}

TEST(Expectations, MutantsAreExpectedCaughtOnlyWhereTheirPartRuns) {
  const NameFilter every;
  const conformance::Implementation* mutant =
      conformance::find_bundled_implementation("context-by-pointer");
  ASSERT_NE(mutant, nullptr);
  ASSERT_EQ(mutant->defective_part, "channel");
  EXPECT_EQ(expectation_of(*mutant, {"channel"}, every), reports::Expectation::caught);
  EXPECT_EQ(expectation_of(*mutant, {"service", "async-execute"}, every),
            reports::Expectation::pass);
  EXPECT_EQ(expectation_of(*mutant, {"channel"}, filter_of({"CH*"})),
            reports::Expectation::not_judged);
  EXPECT_EQ(
      expectation_of(*conformance::find_bundled_implementation("reference"), {"channel"}, every),
      reports::Expectation::pass);
  conformance::Implementation plugin;
  plugin.kind = "plugin";
  EXPECT_EQ(expectation_of(plugin, {"channel"}, every), reports::Expectation::none);
}

}  // namespace
}  // namespace lockstep::runner
