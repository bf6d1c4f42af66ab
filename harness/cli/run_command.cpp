// The schedule loop behind `lockstep run`.
#include "harness/cli/run_command.h"

#include <filesystem>
#include <fstream>

#include "conformance/registry/suites.h"
#include "reports/replay_file.h"
#include "reports/schedule_trace.h"
#include "scheduler/hash.h"

namespace lockstep::cli {

namespace {

constexpr std::uint64_t kStrategySalt = 0x7374726174656779ull;  // "strategy"

std::string failure_rule(const harness::WorldResult& result) {
  return result.violations.empty() ? std::string(outcome_name(result.run.outcome))
                                   : result.violations.front().rule;
}

// Writes the replay file and the Chrome trace of one failure; returns the replay's path.
std::optional<std::string> write_failure_files(const RunOptions& options,
                                               const conformance::Implementation& implementation,
                                               const conformance::Suite& suite,
                                               const reports::Failure& failure,
                                               const harness::ScheduleOutcome& outcome,
                                               std::string& error) {
  const std::filesystem::path directory =
      std::filesystem::path(options.report_directory) / "failures";
  std::error_code status;
  std::filesystem::create_directories(directory, status);
  if (status) {
    error = "cannot create '" + directory.string() + "': " + status.message();
    return std::nullopt;
  }
  // A plugin is named by its absolute path: only its file name goes into the stem, or the
  // files would be written next to the library instead of under the report directory.
  const std::string stem = std::filesystem::path(implementation.name).filename().string() + "--" +
                           suite.name + "--" + std::to_string(failure.schedule_index);
  reports::ReplayFile replay;
  replay.implementation = implementation.name;
  replay.build = reports::build_id();
  replay.suite = suite.name;
  replay.run_seed = options.seed;
  replay.schedule_index = failure.schedule_index;
  replay.schedule_seed = failure.schedule_seed;
  replay.strategy = options.strategy.to_text();
  replay.fault_plan = failure.fault_plan;
  replay.rule = failure.rule;
  replay.trace_hash = failure.trace_hash;
  replay.explanation = failure.explanation;
  replay.decisions = outcome.decisions;
  const std::string replay_path = (directory / (stem + ".replay")).string();
  if (!reports::write_replay_file(replay, replay_path, error)) {
    return std::nullopt;
  }
  // The events were not kept during the run: replay the schedule once to get them.
  harness::ScheduleOptions keep;
  keep.keep_trace_events = true;
  const harness::ScheduleOutcome traced = suite.run(
      implementation, failure.schedule_seed, make_replay_strategy(outcome.decisions), keep);
  std::ofstream trace(directory / (stem + ".trace.json"), std::ios::binary | std::ios::trunc);
  trace << reports::chrome_trace_json(traced.trace);
  if (!trace) {
    error = "cannot write the trace of " + stem;
    return std::nullopt;
  }
  return replay_path;
}

}  // namespace

std::uint64_t schedule_seed(std::uint64_t run_seed, std::uint64_t schedule_index) {
  return hash_mix(hash_mix(kHashSeed, run_seed), schedule_index);
}

std::uint64_t strategy_seed(std::uint64_t schedule_seed) {
  return hash_mix(schedule_seed, kStrategySalt);
}

std::optional<reports::RunReport> run_schedules(const RunOptions& options,
                                                const ProgressCallback& progress,
                                                std::string& error) {
  reports::RunReport report;
  report.seed = options.seed;
  report.strategy = options.strategy.to_text();
  report.runs_per_implementation = options.only_schedule ? 1 : options.runs;
  report.run_digest = kHashSeed;
  StackPool stack_pool(StackPool::default_usable_bytes());
  harness::ScheduleOptions schedule_options;
  schedule_options.stack_pool = &stack_pool;

  for (const conformance::Implementation* implementation : options.implementations) {
    reports::ImplementationReport entry;
    entry.name = implementation->name;
    entry.kind = implementation->kind;
    entry.expected_rule = implementation->breaks;
    entry.digest = kHashSeed;
    for (const conformance::Suite& suite : conformance::suites()) {
      const bool selected =
          options.suites.empty() ||
          std::find(options.suites.begin(), options.suites.end(), suite.name) !=
              options.suites.end();
      if (!selected || !suite.applies(*implementation)) {
        continue;
      }
      entry.suites.push_back(suite.name);
      const std::uint64_t first = options.only_schedule.value_or(0);
      const std::uint64_t end = options.only_schedule ? first + 1 : options.runs;
      for (std::uint64_t index = first; index < end; ++index) {
        const std::uint64_t seed = schedule_seed(options.seed, index);
        const harness::ScheduleOutcome outcome =
            suite.run(*implementation, seed,
                      make_strategy(options.strategy, strategy_seed(seed), kPctEstimatedSteps),
                      schedule_options);
        ++entry.schedules;
        entry.digest = hash_mix(entry.digest, outcome.world.run.trace_hash);
        for (const harness::Violation& violation : outcome.world.violations) {
          ++entry.violations_by_rule[violation.rule];
        }
        if (outcome.world.passed()) {
          continue;
        }
        ++entry.failed_schedules;
        if (!entry.first_failure_index) {
          entry.first_failure_index = index;
        }
        if (entry.failures.size() >= options.failures_kept) {
          continue;
        }
        reports::Failure failure;
        failure.suite = suite.name;
        failure.rule = failure_rule(outcome.world);
        failure.schedule_seed = seed;
        failure.schedule_index = index;
        failure.explanation = outcome.world.summary();
        failure.fault_plan = outcome.world.fault_plan.to_text();
        failure.trace_hash = outcome.world.run.trace_hash;
        failure.decisions = outcome.decisions.size();
        failure.reproduce = "lockstep run --impl " + implementation->name + " --suite " +
                            suite.name + " --seed " + std::to_string(options.seed) +
                            " --strategy " + options.strategy.to_text() + " --schedule " +
                            std::to_string(index);
        if (!options.report_directory.empty()) {
          const std::optional<std::string> replay_path = write_failure_files(
              options, *implementation, suite, failure, outcome, error);
          if (!replay_path) {
            return std::nullopt;
          }
          failure.reproduce = "lockstep replay " + *replay_path;
        }
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
