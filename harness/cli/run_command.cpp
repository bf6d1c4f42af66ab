// The schedule loop behind `lockstep run`.
#include "harness/cli/run_command.h"

#include "conformance/scenarios/echo_scenario.h"
#include "scheduler/hash.h"

namespace lockstep::cli {

namespace {
constexpr std::uint64_t kPctEstimatedSteps = 2000;
constexpr std::uint64_t kStrategySalt = 0x7374726174656779ull;  // "strategy"
}  // namespace

std::uint64_t schedule_seed(std::uint64_t run_seed, std::uint64_t schedule_index) {
  return hash_mix(hash_mix(kHashSeed, run_seed), schedule_index);
}

reports::RunReport run_schedules(const RunOptions& options, const ProgressCallback& progress) {
  reports::RunReport report;
  report.seed = options.seed;
  report.strategy = options.strategy.to_text();
  report.runs_per_implementation = options.only_schedule ? 1 : options.runs;
  report.run_digest = kHashSeed;
  StackPool stack_pool(StackPool::default_usable_bytes());

  std::vector<const conformance::EchoImplementation*> selected;
  if (options.implementations.empty()) {
    for (const auto& implementation : conformance::bundled_echo_implementations()) {
      selected.push_back(&implementation);
    }
  } else {
    for (const std::string& name : options.implementations) {
      selected.push_back(conformance::find_echo_implementation(name));
    }
  }

  for (const conformance::EchoImplementation* implementation : selected) {
    reports::ImplementationReport entry;
    entry.name = implementation->name;
    entry.kind = implementation->breaks.empty() ? "reference" : "mutant";
    entry.expected_rule = implementation->breaks;
    entry.digest = kHashSeed;
    const std::uint64_t first = options.only_schedule.value_or(0);
    const std::uint64_t end = options.only_schedule ? first + 1 : options.runs;
    for (std::uint64_t index = first; index < end; ++index) {
      const std::uint64_t seed = schedule_seed(options.seed, index);
      const conformance::EchoScheduleResult result = conformance::run_echo_schedule(
          *implementation, seed,
          make_strategy(options.strategy, hash_mix(seed, kStrategySalt), kPctEstimatedSteps),
          &stack_pool);
      ++entry.schedules;
      entry.digest = hash_mix(entry.digest, result.world.run.trace_hash);
      for (const harness::Violation& violation : result.world.violations) {
        ++entry.violations_by_rule[violation.rule];
      }
      if (result.world.passed()) {
        continue;
      }
      ++entry.failed_schedules;
      if (!entry.first_failure_index) {
        entry.first_failure_index = index;
      }
      if (entry.failures.size() < options.failures_kept) {
        reports::Failure failure;
        failure.rule = result.world.violations.empty()
                           ? std::string(outcome_name(result.world.run.outcome))
                           : result.world.violations.front().rule;
        failure.schedule_seed = seed;
        failure.schedule_index = index;
        failure.explanation = result.world.summary();
        failure.fault_plan = result.world.fault_plan.to_text();
        failure.trace_hash = result.world.run.trace_hash;
        failure.reproduce = "lockstep run --impl " + implementation->name + " --seed " +
                            std::to_string(options.seed) + " --strategy " +
                            options.strategy.to_text() + " --schedule " + std::to_string(index);
        entry.failures.push_back(std::move(failure));
      }
    }
    report.run_digest = hash_mix(report.run_digest, entry.digest);
    if (progress) {
      progress(entry);
    }
    report.implementations.push_back(std::move(entry));
  }
  return report;
}

}  // namespace lockstep::cli
