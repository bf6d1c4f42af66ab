// Batches of suite schedules under the process's CPU clock.
#include "bench/suite_throughput.h"

#include <stdexcept>

#include "bench/bench_report.h"
#include "conformance/registry/implementations.h"
#include "conformance/registry/suites.h"
#include "scheduler/hash.h"

namespace lockstep::bench {

std::string reference_for_suite(const std::string& suite) {
  return suite == "echo" ? "archetype" : "reference";
}

SuiteThroughput measure_suite(const std::string& suite_name, std::uint64_t count,
                              const StrategySpec& strategy, std::uint64_t run_seed) {
  const conformance::Suite* suite = conformance::find_suite(suite_name);
  const std::string implementation_name = reference_for_suite(suite_name);
  const conformance::Implementation* implementation =
      conformance::find_bundled_implementation(implementation_name);
  if (suite == nullptr || implementation == nullptr || !suite->applies(*implementation)) {
    throw std::invalid_argument("no suite '" + suite_name + "' for " + implementation_name);
  }
  StackPool pool(StackPool::default_usable_bytes());
  harness::ScheduleOptions options;
  options.stack_pool = &pool;
  SuiteThroughput result;
  result.suite = suite_name;
  result.implementation = implementation_name;
  const std::uint64_t seed_base = hash_mix(kHashSeed, run_seed);
  const CpuTime before = process_cpu_time();
  for (std::uint64_t index = 0; index < count; ++index) {
    const std::uint64_t seed = hash_mix(seed_base, index);
    const harness::ScheduleOutcome outcome =
        suite->run(*implementation, seed,
                   make_strategy(strategy, hash_mix(seed, 0x5354524154454759ull),
                                 suite->pct_estimated_steps),
                   options);
    result.steps += outcome.world.run.steps;
    for (const Decision& decision : outcome.decisions.decisions()) {
      result.schedule_decisions += decision.kind == DecisionKind::schedule ? 1 : 0;
    }
    ++result.schedules;
  }
  const CpuTime spent = process_cpu_time() - before;
  result.user_seconds = spent.user_seconds;
  result.system_seconds = spent.system_seconds;
  return result;
}

}  // namespace lockstep::bench
