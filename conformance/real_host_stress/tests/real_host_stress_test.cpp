// The same implementation binaries on the real host: the reference (linked, and loaded as a
// plugin) and the archetype hold every rule the stress checks, and mutants whose defect shows
// whenever it runs are caught on their rule, so the checks are shown to be able to fail.
//
// Every build runs all of it, the sanitizer builds (ASan, TSan) included: a use-after-free or
// data race of a correct implementation on real threads is a defect to fix, not to skip.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conformance/real_host_stress/real_host_stress.h"
#include "conformance/registry/implementations.h"
#include "harness/plugin/plugin_loader.h"

namespace lockstep::stress {
namespace {

#if defined(LOCKSTEP_TSAN_BUILD)
constexpr bool kThreadSanitizerBuild = true;
#else
constexpr bool kThreadSanitizerBuild = false;
#endif

StressTarget target_of(const conformance::Implementation& implementation) {
  StressTarget target;
  target.name = implementation.name;
  target.table = implementation.table;
  target.archetype_defects = implementation.archetype_defects;
  return target;
}

std::string describe(const StressResult& result) {
  std::string text = result.summary() + " after " + std::to_string(result.rounds) + " rounds, " +
                     std::to_string(result.calls) + " calls";
  for (const StressViolation& violation : result.violations) {
    text += "\n  " + violation.to_text();
  }
  for (const std::string& leak : result.leaks) {
    text += "\n  leaked " + leak;
  }
  return text;
}

TEST(RealHostStress, ReferencePassesEveryPartOnTheRealHost) {
  const conformance::Implementation* reference =
      conformance::find_bundled_implementation("reference");
  ASSERT_NE(reference, nullptr);
  const StressTarget target = target_of(*reference);
  EXPECT_EQ(stress_parts(target),
            (std::vector<std::string>{"channel", "async-execute", "service-host"}));
  StressConfig config;
  config.seed = 20240611;
  config.cpu_budget_seconds = 1.5;
  config.max_rounds = 24;
  config.parts = {"channel", "async-execute", "service-host"};
  const StressResult result = run_stress(target, config);
  EXPECT_TRUE(result.passed()) << describe(result);
  EXPECT_GE(result.rounds, 2 * config.parts.size()) << "each part ran at least twice";
  EXPECT_GT(result.calls, 100u);
  EXPECT_EQ(result.leaked_rounds, 0u) << describe(result);
}

TEST(RealHostStress, ReferencePluginPassesLoadedThroughThePluginAbi) {
  harness::PluginLoadResult loaded = harness::load_plugin(REFERENCE_PLUGIN);
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  StressTarget target;
  target.name = loaded.plugin->name();
  target.table = loaded.plugin->implementation();
  StressConfig config;
  config.seed = 7;
  config.cpu_budget_seconds = 0.6;
  config.max_rounds = 9;
  config.parts = {"channel", "async-execute", "service-host"};
  const StressResult result = run_stress(target, config);
  EXPECT_TRUE(result.passed()) << describe(result);
  EXPECT_GE(result.rounds, config.parts.size());
  EXPECT_EQ(result.leaked_rounds, 0u) << describe(result);
}

TEST(RealHostStress, ArchetypeEchoCallPasses) {
  const conformance::Implementation* archetype =
      conformance::find_bundled_implementation("archetype");
  ASSERT_NE(archetype, nullptr);
  StressConfig config;
  config.seed = 3;
  config.cpu_budget_seconds = 0.3;
  config.max_rounds = 8;
  const StressResult result = run_stress(target_of(*archetype), config);
  EXPECT_TRUE(result.passed()) << describe(result);
  EXPECT_EQ(result.parts, (std::vector<std::string>{"echo-call"}));
  EXPECT_GT(result.calls, 8u);
}

// Defects that break their rule every time their path runs: a stress run must see them. The
// context-by-pointer mutant reads the caller's context while the caller scribbles it (that is
// its defect): a data race by design, so the ThreadSanitizer build leaves it out.
TEST(RealHostStress, MutantsWhoseDefectAlwaysShowsAreCaughtOnTheirRule) {
  std::vector<const char*> names = {"inline-callback-before-return",
                                    "async-result-to-callback",
                                    "wrong-state-error",
                                    "error-after-callback",
                                    "async-execute-stale-next",
                                    "async-execute-stops-on-failure",
                                    "detail-leak-under-minimal-disclosure",
                                    "archetype-error-after-callback"};
  if (!kThreadSanitizerBuild) {
    names.push_back("archetype-context-by-pointer");
  }
  for (const char* name : names) {
    const conformance::Implementation* mutant = conformance::find_bundled_implementation(name);
    ASSERT_NE(mutant, nullptr) << name;
    StressConfig config;
    config.seed = 11;
    config.cpu_budget_seconds = 2.0;
    config.stop_at_rule = mutant->breaks;
    config.parts = {mutant->defective_part};
    const StressResult result = run_stress(target_of(*mutant), config);
    EXPECT_TRUE(result.caught(mutant->breaks))
        << name << " not caught on " << mutant->breaks << ": " << describe(result);
  }
}

}  // namespace
}  // namespace lockstep::stress
