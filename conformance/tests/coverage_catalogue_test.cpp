// The clause table holds to the code: every clause names a check and probes that exist, every
// rule of the AM, CH, SV, AP, EV, TK and MX families has clauses, every suite expects probes and
// every probe serves a clause, and the correct bundled implementations reach every probe of every
// suite that applies to them (so a PASS says what was exercised, and a gap in the scenarios shows
// up here first).
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

#include "conformance/catalogue/coverage_catalogue.h"
#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/registry/suites.h"
#include "harness/core/coverage_probe.h"
#include "scheduler/hash.h"

namespace lockstep::conformance {
namespace {

std::vector<std::string> names_in(std::string_view list) {
  std::vector<std::string> names;
  std::istringstream words{std::string(list)};
  for (std::string name; words >> name;) {
    names.push_back(name);
  }
  return names;
}

TEST(CoverageCatalogue, EveryClauseNamesACheckAndKnownProbes) {
  for (const RuleClause& clause : rule_clauses()) {
    EXPECT_NE(find_rule(clause.rule), nullptr) << clause.rule;
    EXPECT_FALSE(clause.clause.empty()) << clause.rule;
    EXPECT_FALSE(clause.check.empty()) << clause.rule << ": " << clause.clause;
    const std::vector<std::string> probes = names_in(clause.probes);
    EXPECT_FALSE(probes.empty()) << clause.rule << ": " << clause.clause << " has no probe";
    for (const std::string& probe : probes) {
      EXPECT_TRUE(harness::find_probe(probe).has_value())
          << clause.rule << " names unknown probe " << probe;
    }
  }
}

TEST(CoverageCatalogue, EveryClientServerAndPatternRuleHasClauses) {
  for (const Rule& rule : rule_catalogue()) {
    const std::string family(rule.id.substr(0, 2));
    if (family == "AM" || family == "CH" || family == "SV" || family == "AP" || family == "EV" ||
        family == "TK" || family == "MX") {
      EXPECT_FALSE(clauses_of(rule.id).empty()) << rule.id << " has no clause";
    }
  }
}

TEST(CoverageCatalogue, EveryProbeHasASituationAndServesAClause) {
  std::set<std::string> used;
  for (const RuleClause& clause : rule_clauses()) {
    for (const std::string& probe : names_in(clause.probes)) {
      used.insert(probe);
    }
  }
  for (std::size_t index = 0; index < harness::kProbeCount; ++index) {
    const std::string name(harness::probe_name(static_cast<harness::Probe>(index)));
    EXPECT_FALSE(probe_situation(name).empty()) << name << " has no situation";
    EXPECT_TRUE(used.contains(name)) << name << " serves no clause";
    EXPECT_EQ(harness::find_probe(name), static_cast<harness::Probe>(index)) << name;
  }
}

TEST(CoverageCatalogue, EverySuiteExpectsProbesEachOnce) {
  for (const Suite& suite : suites()) {
    std::set<harness::Probe> seen;
    for (const harness::Probe probe : suite.probes) {
      EXPECT_TRUE(seen.insert(probe).second)
          << suite.name << " expects " << harness::probe_name(probe) << " twice";
    }
    EXPECT_FALSE(suite.probes.empty()) << suite.name << " expects no probe";
  }
}

TEST(CoverageCatalogue, ProbeHitsTravelAsAnIndexList) {
  harness::ProbeHits hits;
  EXPECT_EQ(hits.to_index_list(), "");
  hits.reach(harness::Probe::async_completion);
  hits.reach(harness::Probe::async_completion);
  hits.reach(harness::Probe::chain_long_synchronous);
  const std::optional<harness::ProbeHits> back =
      harness::ProbeHits::from_index_list(hits.to_index_list());
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->reached(harness::Probe::async_completion));
  EXPECT_TRUE(back->reached(harness::Probe::chain_long_synchronous));
  EXPECT_FALSE(back->reached(harness::Probe::null_context_call));
  EXPECT_FALSE(harness::ProbeHits::from_index_list("1,x").has_value());
  EXPECT_FALSE(harness::ProbeHits::from_index_list("100000").has_value());
}

// The scenarios reach what the suites claim: within a few hundred schedules every expected
// probe is reached on every correct bundled implementation a suite applies to.
#if defined(LOCKSTEP_SANITIZED_BUILD)
constexpr std::uint64_t kReachSchedules = 300;
#else
constexpr std::uint64_t kReachSchedules = 1000;
#endif

TEST(CoverageCatalogue, CorrectImplementationsReachEveryExpectedProbe) {
  for (const Implementation& implementation : bundled_implementations()) {
    if (implementation.kind == "mutant") {
      continue;
    }
    for (const Suite& suite : suites()) {
      if (!suite.applies(implementation)) {
        continue;
      }
      harness::ProbeHits reached;
      for (std::uint64_t index = 0; index < kReachSchedules; ++index) {
        const std::uint64_t seed = hash_mix(0x636f766572616765ull, index);  // "coverage"
        const harness::ScheduleOutcome outcome =
            suite.run(implementation, seed, make_random_walk_strategy(seed), {});
        for (std::size_t probe = 0; probe < harness::kProbeCount; ++probe) {
          if (outcome.world.probes.reached(static_cast<harness::Probe>(probe))) {
            reached.reach(static_cast<harness::Probe>(probe));
          }
        }
      }
      for (const harness::Probe probe : suite.probes) {
        EXPECT_TRUE(reached.reached(probe))
            << implementation.name << ", suite " << suite.name << ": no schedule of "
            << kReachSchedules << " reached " << harness::probe_name(probe);
      }
    }
  }
}

}  // namespace
}  // namespace lockstep::conformance
