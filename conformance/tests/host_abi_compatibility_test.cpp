// Host ABI compatibility: a plugin built against the version-1 layout of lockstep_host (the
// reference plugin compiled against a frozen copy of that header) still loads on this host,
// sees the version-1 members where it expects them, and passes every suite; the plugin built
// against the current header sees the version-2 slot.
#include <gtest/gtest.h>

#include <string>

#include "conformance/registry/suites.h"
#include "harness/plugin/plugin_loader.h"
#include "scheduler/hash.h"

namespace lockstep::conformance {
namespace {

#if defined(LOCKSTEP_SANITIZED_BUILD)
constexpr std::uint64_t kSchedules = 30;
#else
constexpr std::uint64_t kSchedules = 300;
#endif

void expect_every_suite_passes(const harness::LoadedPlugin& plugin) {
  Implementation implementation;
  implementation.name = plugin.name();
  implementation.kind = "plugin";
  implementation.table = plugin.implementation();
  std::size_t applicable = 0;
  for (const Suite& suite : suites()) {
    if (!suite.applies(implementation)) {
      continue;
    }
    ++applicable;
    for (std::uint64_t index = 0; index < kSchedules; ++index) {
      const std::uint64_t seed = hash_mix(kHashSeed, index);
      const bool pct = index % 2 == 1;
      const harness::ScheduleOutcome outcome = suite.run(
          implementation, seed,
          pct ? make_pct_strategy(seed, 1 + index % 5, 2000) : make_random_walk_strategy(seed), {});
      ASSERT_TRUE(outcome.world.passed()) << plugin.name() << " on " << suite.name << ", schedule "
                                          << index << ": " << outcome.world.summary();
    }
  }
  EXPECT_EQ(applicable, 6u) << "channel, async-execute, service and the three .NET patterns";
}

TEST(HostAbiCompatibility, APluginBuiltAgainstVersionOneLoadsAndPassesEverySuite) {
  harness::PluginLoadResult loaded = harness::load_plugin(LOCKSTEP_REFERENCE_PLUGIN_HOST_ABI_1);
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  // Its own build says which header it had (and a static assertion made sure of it).
  EXPECT_EQ(loaded.plugin->name(), "reference-plugin-host-abi-1");
  EXPECT_EQ(loaded.plugin->version(), "1 (host ABI 1)");
  expect_every_suite_passes(*loaded.plugin);
}

TEST(HostAbiCompatibility, ThePluginBuiltAgainstTheCurrentHeaderPassesToo) {
  harness::PluginLoadResult loaded = harness::load_plugin(LOCKSTEP_REFERENCE_PLUGIN);
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  EXPECT_EQ(loaded.plugin->version(), "1");
  expect_every_suite_passes(*loaded.plugin);
}

}  // namespace
}  // namespace lockstep::conformance
