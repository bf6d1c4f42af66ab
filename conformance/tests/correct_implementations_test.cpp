// No false alarms: every correct implementation in the tree passes every suite that applies to
// it, under the random walk and under PCT of depth 1 to 5, over three run seeds.
//
// Which implementations: every bundled entry the registry says must_pass() (so an
// implementation added to the registry's correct set is run here without touching this file),
// and the correct plugins built in the tree (LOCKSTEP_CORRECT_PLUGINS, from CMake: the worked
// vendor example). One CTest test per implementation, suite and strategy, so that ctest -j
// spreads them. Each runs kSchedulesPerSeed schedules for each run seed; a sanitizer build runs
// a tenth. Schedule and strategy seeds are derived as the runner derives them (see
// derive_schedule_seed), so a failure prints the `lockstep run` line that reproduces it.
// Suites run in process through conformance::Suite::run: these are correct implementations,
// nothing here needs a child process.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "conformance/registry/implementations.h"
#include "conformance/registry/suites.h"
#include "harness/plugin/plugin_loader.h"
#include "scheduler/hash.h"
#include "scheduler/stack_pool.h"

namespace lockstep::conformance {
namespace {

#if defined(LOCKSTEP_SANITIZED_BUILD)
constexpr std::uint64_t kSchedulesPerSeed = 200;
#else
constexpr std::uint64_t kSchedulesPerSeed = 2000;
#endif
constexpr std::uint64_t kRunSeeds[] = {1, 2, 3};
const char* const kStrategies[] = {"random", "pct:1", "pct:2", "pct:3", "pct:4", "pct:5"};

// The runner's derivation (lockstep run): schedule i of run seed S has the seed
// hash_mix(hash_mix(kHashSeed, S), i); its strategy is seeded from that and a salt, and PCT
// spreads its change points over an estimated 2000 steps. Kept equal by hand: a mismatch only
// makes the printed reproduce line replay another schedule, never hides a failure here.
constexpr std::uint64_t kStrategySalt = 0x7374726174656779ull;  // "strategy"
constexpr std::uint64_t kPctEstimatedSteps = 2000;

std::uint64_t derive_schedule_seed(std::uint64_t run_seed, std::uint64_t index) {
  return hash_mix(hash_mix(kHashSeed, run_seed), index);
}

// Plugins stay loaded for the whole process: their tables are what the targets point to.
std::deque<harness::LoadedPlugin>& loaded_plugins() {
  static std::deque<harness::LoadedPlugin> plugins;
  return plugins;
}

std::deque<Implementation>& plugin_implementations() {
  static std::deque<Implementation> implementations;
  return implementations;
}

std::vector<std::string> correct_plugin_paths() {
  std::vector<std::string> paths;
  std::stringstream list(LOCKSTEP_CORRECT_PLUGINS);
  for (std::string path; std::getline(list, path, ';');) {
    if (!path.empty()) {
      paths.push_back(path);
    }
  }
  return paths;
}

struct Target {
  const Implementation* implementation = nullptr;
  std::string reproduce_name;  ///< what --impl takes: a bundled name or the plugin's path
  const Suite* suite = nullptr;
  std::string strategy;
  std::string load_error;  ///< a plugin that did not load: the test fails with this
};

// How GoogleTest prints a target (by ADL), instead of its bytes.
void PrintTo(const Target& target, std::ostream* os) {
  if (target.implementation == nullptr) {
    *os << "the plugin " << target.reproduce_name << ", which did not load";
    return;
  }
  *os << target.implementation->name
      << (target.implementation->kind == "plugin" ? " (plugin)" : "") << " on "
      << target.suite->name << " under " << target.strategy;
}

std::vector<Target> correct_targets() {
  std::vector<Target> targets;
  // (implementation, what --impl takes to reproduce: a bundled name or the plugin's path)
  std::vector<std::pair<const Implementation*, std::string>> correct;
  for (const Implementation& implementation : bundled_implementations()) {
    if (implementation.must_pass()) {
      correct.emplace_back(&implementation, implementation.name);
    }
  }
  for (const std::string& path : correct_plugin_paths()) {
    harness::PluginLoadResult loaded = harness::load_plugin(path);
    if (!loaded.ok()) {
      targets.push_back(Target{nullptr, path, nullptr, "load", loaded.error});
      continue;
    }
    loaded_plugins().push_back(std::move(*loaded.plugin));
    Implementation& implementation = plugin_implementations().emplace_back();
    implementation.name = loaded_plugins().back().name();
    implementation.kind = "plugin";
    implementation.table = loaded_plugins().back().implementation();
    correct.emplace_back(&implementation, path);
  }
  for (const auto& [implementation, reproduce_name] : correct) {
    for (const Suite& suite : suites()) {
      if (!suite.applies(*implementation)) {
        continue;
      }
      for (const char* strategy : kStrategies) {
        targets.push_back(Target{implementation, reproduce_name, &suite, strategy, ""});
      }
    }
  }
  return targets;
}

std::string target_name(const Target& target) {
  std::string name =
      (target.implementation != nullptr ? target.implementation->name : "unloadable_plugin") +
      "__" + (target.suite != nullptr ? target.suite->name : "none") + "__" + target.strategy;
  for (char& character : name) {
    const bool plain = (character >= 'a' && character <= 'z') ||
                       (character >= 'A' && character <= 'Z') ||
                       (character >= '0' && character <= '9');
    character = plain ? character : '_';
  }
  return name;
}

class CorrectImplementation : public ::testing::TestWithParam<Target> {};

TEST_P(CorrectImplementation, PassesEveryScheduleOfEveryRunSeed) {
  const Target& target = GetParam();
  ASSERT_TRUE(target.load_error.empty()) << target.load_error;
  std::string error;
  const std::optional<StrategySpec> spec = parse_strategy_spec(target.strategy, error);
  ASSERT_TRUE(spec.has_value()) << error;
  StackPool stacks(StackPool::default_usable_bytes());
  harness::ScheduleOptions options;
  options.stack_pool = &stacks;
  for (const std::uint64_t run_seed : kRunSeeds) {
    for (std::uint64_t index = 0; index < kSchedulesPerSeed; ++index) {
      const std::uint64_t seed = derive_schedule_seed(run_seed, index);
      const harness::ScheduleOutcome outcome = target.suite->run(
          *target.implementation, seed,
          make_strategy(*spec, hash_mix(seed, kStrategySalt), kPctEstimatedSteps), options);
      ASSERT_TRUE(outcome.world.passed())
          << target.implementation->name << " flagged: " << outcome.world.summary()
          << "\n  reproduce: lockstep run --impl " << target.reproduce_name << " --suite "
          << target.suite->name << " --seed " << run_seed << " --strategy " << target.strategy
          << " --schedule " << index;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(InTheTree, CorrectImplementation, ::testing::ValuesIn(correct_targets()),
                         [](const auto& info) { return target_name(info.param); });

// The set is not vacuous, holds no mutant, and has the implementations the tree promises.
TEST(CorrectImplementations, TheRegistrysCorrectSetHasTheReferencesAndNoMutant) {
  std::vector<std::string> names;
  for (const Implementation& implementation : bundled_implementations()) {
    if (implementation.must_pass()) {
      EXPECT_NE(implementation.kind, "mutant") << implementation.name;
      EXPECT_TRUE(implementation.breaks.empty()) << implementation.name;
      names.push_back(implementation.name);
    }
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "reference"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "archetype"), names.end());
  EXPECT_FALSE(correct_plugin_paths().empty()) << "the vendor example is built as a plugin";
}

}  // namespace
}  // namespace lockstep::conformance
