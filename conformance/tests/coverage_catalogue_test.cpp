// The clause table holds to the code: every clause names a check and probes that exist, every
// rule of the AM, CH, SV, AP, EV, TK and MX families has clauses, every suite expects probes and
// every probe serves a clause, and the correct bundled implementations reach every probe of every
// suite that applies to them (so a PASS says what was exercised, and a gap in the scenarios shows
// up here first).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "conformance/catalogue/coverage_catalogue.h"
#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/patterns/pattern_probes.h"
#include "conformance/patterns/pattern_schedule.h"
#include "conformance/registry/suites.h"
#include "harness/core/coverage_probe.h"
#include "reference_implementation.h"
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

// Every probe any schedule of `implementation` under `suite` reached, over kReachSchedules.
harness::ProbeHits reached_by(const Suite& suite, const Implementation& implementation) {
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
  return reached;
}

TEST(CoverageCatalogue, CorrectImplementationsReachEveryExpectedProbe) {
  for (const Implementation& implementation : bundled_implementations()) {
    if (implementation.kind == "mutant") {
      continue;
    }
    for (const Suite& suite : suites()) {
      if (!suite.applies(implementation)) {
        continue;
      }
      const harness::ProbeHits reached = reached_by(suite, implementation);
      for (const harness::Probe probe : expected_probes(suite, implementation)) {
        EXPECT_TRUE(reached.reached(probe))
            << implementation.name << ", suite " << suite.name << ": no schedule of "
            << kReachSchedules << " reached " << harness::probe_name(probe);
      }
    }
  }
}

// A pattern part with one role (a plugin may provide only its client proxy, or only its
// service) is expected only the combinations that role runs, and reaches every probe it is
// expected: the reference's parts, one role at a time.
template <typename Part>
void keep_one_role(Part& part, bool client) {
  if (client) {
    part.create_service = nullptr;
  } else {
    part.create_proxy = nullptr;
  }
}

// The whole reference table is copied, its defect bits (all 0) included: the reference reads
// them through `self` (reference_implementation.h), so a copy of the base alone would not do.
struct OneRoleReference {
  reference_implementation table;
  lockstep_async_result_functions async_result;
  lockstep_event_based_functions event_based;
  lockstep_task_based_functions task_based;
  Implementation implementation;

  OneRoleReference(PatternFamily family, bool client)
      : table(*reference_from_table(find_bundled_implementation("reference")->table)),
        async_result(*table.base.async_result),
        event_based(*table.base.event_based),
        task_based(*table.base.task_based) {
    switch (family) {
      case PatternFamily::async_result:
        keep_one_role(async_result, client);
        break;
      case PatternFamily::event_based:
        keep_one_role(event_based, client);
        break;
      case PatternFamily::task_based:
        keep_one_role(task_based, client);
        break;
    }
    table.base.async_result = &async_result;
    table.base.event_based = &event_based;
    table.base.task_based = &task_based;
    implementation.name =
        std::string(pattern_family_name(family)) + (client ? "-client-only" : "-service-only");
    implementation.kind = "plugin";
    implementation.table = &table.base;
  }
};

TEST(CoverageCatalogue, APatternPartWithOneRoleIsExpectedWhatItsRoleRunsAndReachesIt) {
  for (const PatternFamily family :
       {PatternFamily::async_result, PatternFamily::event_based, PatternFamily::task_based}) {
    const Suite* suite = find_suite(pattern_family_name(family));
    ASSERT_NE(suite, nullptr) << pattern_family_name(family);
    for (const bool client : {true, false}) {
      const OneRoleReference part(family, client);
      const PatternRoles roles = pattern_roles(part.table.base, family);
      ASSERT_EQ(roles.client, client);
      ASSERT_EQ(roles.service, !client);
      ASSERT_TRUE(suite->applies(part.implementation));
      const std::vector<harness::Probe> expected = expected_probes(*suite, part.implementation);
      const std::set<harness::Probe> all(suite->probes.begin(), suite->probes.end());
      const harness::ProbeHits reached = reached_by(*suite, part.implementation);
      for (const harness::Probe probe : expected) {
        EXPECT_TRUE(all.contains(probe)) << part.implementation.name << " expects "
                                         << harness::probe_name(probe) << " beyond the suite's";
        EXPECT_TRUE(reached.reached(probe))
            << part.implementation.name << ": no schedule of " << kReachSchedules << " reached "
            << harness::probe_name(probe);
      }
      // Four combinations with one role, seven with both; the missing role's are neither
      // expected nor run.
      EXPECT_EQ(family_combinations(family, roles).size(), 4u);
      EXPECT_EQ(family_combinations(family, PatternRoles{true, true}).size(), 7u);
      EXPECT_EQ(expected.size() + 3, suite->probes.size()) << part.implementation.name;
      for (const PatternCombination combination :
           family_combinations(family, PatternRoles{true, true})) {
        const bool runs = client ? combination.client == client_pattern_of(family)
                                 : combination.service == service_pattern_of(family);
        const harness::Probe probe = *combination_probe(combination);
        EXPECT_EQ(std::find(expected.begin(), expected.end(), probe) != expected.end(), runs)
            << part.implementation.name << ": " << harness::probe_name(probe);
        EXPECT_EQ(reached.reached(probe), runs)
            << part.implementation.name << ": " << harness::probe_name(probe);
      }
    }
  }
}

}  // namespace
}  // namespace lockstep::conformance
