// The run: tasks, workers, folding, kept failures.
#include "runner/run_schedules.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "conformance/registry/suites.h"
#include "reports/atomic_file.h"
#include "reports/replay_file.h"
#include "reports/report_merge.h"
#include "reports/schedule_digest.h"
#include "reports/schedule_trace.h"
#include "runner/failure_shrinking.h"
#include "runner/interrupt_signals.h"
#include "runner/isolated_schedule.h"
#include "runner/real_host_clock.h"
#include "runner/schedule_workers.h"
#include "runner/suite_rules.h"
#include "scheduler/hash.h"

namespace lockstep::runner {

namespace {

constexpr std::uint64_t kStrategySalt = 0x7374726174656779ull;  // "strategy"

// A failing schedule that may still be kept, keyed by (index, suite position).
struct Candidate {
  std::size_t registry_position = 0;
  std::uint64_t trace_hash = 0;
  std::vector<std::string> rules;
};
using CandidateKey = std::pair<std::uint64_t, std::size_t>;

struct ImplementationFold {
  reports::ImplementationReport report;
  std::map<CandidateKey, Candidate> candidates;
  std::uint64_t finished = 0;
};

// Keeps only candidates that could be kept in the end: the keeping rule picks from the first
// `failures_kept` and the first of each rule, which later arrivals can only displace.
void prune(std::map<CandidateKey, Candidate>& candidates, std::uint64_t failures_kept) {
  std::vector<reports::FailureCandidate> ordered;
  for (const auto& [key, candidate] : candidates) {
    ordered.push_back(reports::FailureCandidate{key.first, key.second, candidate.rules});
  }
  const std::vector<std::size_t> kept = reports::choose_kept_failures(ordered, failures_kept);
  std::map<CandidateKey, Candidate> pruned;
  for (const std::size_t position : kept) {
    const CandidateKey key{ordered[position].schedule_index, ordered[position].suite_position};
    pruned.emplace(key, std::move(candidates.at(key)));
  }
  candidates = std::move(pruned);
}

void fold(ImplementationFold& fold, const ScheduleTask& task, const ScheduleRecord& record,
          std::uint64_t failures_kept) {
  reports::ImplementationReport& report = fold.report;
  reports::SuiteRun& suite = report.suites[task.pairing.suite_position];
  ++report.schedules;
  ++suite.schedules;
  ++fold.finished;
  report.digest +=
      reports::schedule_digest_term(suite.name, task.schedule_index, record.trace_hash);
  for (const std::string& rule : record.violations) {
    ++report.violations_by_rule[rule];
  }
  for (std::size_t index = 0; index < harness::kProbeCount; ++index) {
    const auto probe = static_cast<harness::Probe>(index);
    if (record.probes.reached(probe)) {
      ++suite.probes[std::string(harness::probe_name(probe))];
    }
  }
  if (!record.abnormal_outcome.empty()) {
    ++report.violations_by_rule[record.abnormal_outcome];
  }
  if (!record.failed()) {
    return;
  }
  ++report.failed_schedules;
  if (!report.first_failure_index || task.schedule_index < *report.first_failure_index) {
    report.first_failure_index = task.schedule_index;
  }
  fold.candidates[{task.schedule_index, task.pairing.suite_position}] =
      Candidate{task.pairing.registry_position, record.trace_hash, record.rules()};
  prune(fold.candidates, failures_kept);
}

// Writes the replay file and the Chrome trace of one failure.
bool write_failure_files(const RunOptions& options,
                         const conformance::Implementation& implementation,
                         reports::Failure& failure, const harness::ScheduleOutcome& outcome,
                         std::string& error) {
  const std::filesystem::path directory =
      std::filesystem::path(options.report_directory) / "failures";
  std::error_code status;
  std::filesystem::create_directories(directory, status);
  if (status) {
    error = "cannot create '" + directory.string() + "': " + status.message();
    return false;
  }
  // A plugin is named by its absolute path: only its file name goes into the stem, or the
  // files would be written next to the library instead of under the report directory.
  const std::string stem =
      failure.file_stem(std::filesystem::path(implementation.name).filename().string());
  reports::ReplayFile replay;
  replay.implementation = implementation.name;
  replay.build = reports::build_id();
  replay.suite = failure.suite;
  replay.run_seed = options.seed;
  replay.schedule_index = failure.schedule_index;
  replay.schedule_seed = failure.schedule_seed;
  replay.strategy = options.strategy.to_text();
  if (options.strategy.kind == StrategySpec::Kind::pct) {
    if (const conformance::Suite* suite = conformance::find_suite(failure.suite)) {
      replay.pct_steps = suite->pct_estimated_steps;
    }
  }
  replay.fault_plan = failure.fault_plan;
  replay.rule = failure.rule;
  replay.trace_hash = failure.trace_hash;
  replay.explanation = failure.explanation;
  replay.decisions = outcome.decisions;
  const std::string replay_path = (directory / (stem + ".replay")).string();
  if (!reports::write_replay_file(replay, replay_path, error) ||
      !reports::write_file_atomically((directory / (stem + ".trace.json")).string(),
                                      reports::chrome_trace_json(outcome.trace), error)) {
    return false;
  }
  failure.replay_file = "failures/" + stem + ".replay";
  failure.reproduce = "lockstep replay " + replay_path;
  return true;
}

// Re-runs a kept failure with its events kept. False with `error` if it cannot be written or
// (with `nondeterministic` set) if it does not reproduce its trace hash.
// A schedule that did not come back from its child: re-run it isolated (it must fail the same
// way) and keep it with an empty decision log; its replay re-runs the original strategy.
bool materialize_isolated(const RunOptions& options,
                          const conformance::Implementation& implementation,
                          const CandidateKey& key, const Candidate& candidate,
                          reports::Failure& failure, bool& nondeterministic, std::string& error) {
  const conformance::Suite& suite = conformance::suites()[candidate.registry_position];
  const std::uint64_t seed = schedule_seed(options.seed, key.first);
  const IsolatedSchedule again = run_schedule_isolated(
      key.first,
      [&] {
        const harness::ScheduleOutcome outcome =
            suite.run(implementation, seed,
                      make_strategy(options.strategy, strategy_seed(seed), suite.pct_estimated_steps), {});
        return ScheduleRecord::from(key.first, outcome.world);
      },
      schedule_isolation_limits(options.schedule_timeout_ms));
  if (again.record.abnormal_outcome != candidate.rules.front()) {
    nondeterministic = true;
    error = "schedule " + std::to_string(key.first) + " of " + implementation.name + " on " +
            suite.name + " ended with '" + candidate.rules.front() + "' but '" +
            again.record.abnormal_outcome + "' when re-run isolated";
    return false;
  }
  failure.suite = suite.name;
  failure.rules = candidate.rules;
  failure.rule = candidate.rules.front();
  failure.schedule_seed = seed;
  failure.schedule_index = key.first;
  failure.explanation = again.explanation;
  failure.fault_plan = harness::FaultPlan::draw(seed).to_text();
  failure.reproduce = "lockstep run --impl " + implementation.name + " --suite " + suite.name +
                      " --seed " + std::to_string(options.seed) + " --strategy " +
                      options.strategy.to_text() + " --schedule " + std::to_string(key.first);
  return options.report_directory.empty() ||
         write_failure_files(options, implementation, failure, harness::ScheduleOutcome{}, error);
}

bool materialize(const RunOptions& options, const conformance::Implementation& implementation,
                 const CandidateKey& key, const Candidate& candidate, reports::Failure& failure,
                 bool& nondeterministic, std::string& error) {
  if (is_isolation_rule(candidate.rules.front())) {
    return materialize_isolated(options, implementation, key, candidate, failure, nondeterministic,
                                error);
  }
  const conformance::Suite& suite = conformance::suites()[candidate.registry_position];
  const std::uint64_t seed = schedule_seed(options.seed, key.first);
  harness::ScheduleOptions keep;
  keep.keep_trace_events = true;
  const harness::ScheduleOutcome outcome =
      suite.run(implementation, seed,
                make_strategy(options.strategy, strategy_seed(seed), suite.pct_estimated_steps), keep);
  if (outcome.world.run.trace_hash != candidate.trace_hash) {
    nondeterministic = true;
    error = "schedule " + std::to_string(key.first) + " of " + implementation.name + " on " +
            suite.name + " gave another trace hash when re-run: this build is not deterministic";
    return false;
  }
  failure.suite = suite.name;
  failure.rules = candidate.rules;
  failure.rule = candidate.rules.front();
  failure.schedule_seed = seed;
  failure.schedule_index = key.first;
  failure.explanation = outcome.world.summary();
  failure.fault_plan = outcome.world.fault_plan.to_text();
  failure.trace_hash = outcome.world.run.trace_hash;
  failure.decisions = outcome.decisions.size();
  failure.reproduce = "lockstep run --impl " + implementation.name + " --suite " + suite.name +
                      " --seed " + std::to_string(options.seed) + " --strategy " +
                      options.strategy.to_text() + " --schedule " + std::to_string(key.first);
  return options.report_directory.empty() ||
         write_failure_files(options, implementation, failure, outcome, error);
}

}  // namespace

std::uint64_t schedule_seed(std::uint64_t run_seed, std::uint64_t schedule_index) {
  return hash_mix(hash_mix(kHashSeed, run_seed), schedule_index);
}

std::uint64_t strategy_seed(std::uint64_t schedule_seed) {
  return hash_mix(schedule_seed, kStrategySalt);
}

RunOutcome run_schedules(const RunOptions& options, RunObserver& observer) {
  RunOutcome result;
  reports::RunReport report;
  report.seed = options.seed;
  report.strategy = options.strategy.to_text();
  report.runs = options.runs;
  report.time_seconds = options.time_seconds;
  report.only_schedule = options.only_schedule;
  report.shards = {options.shard_index};
  report.shard_count = options.shard_count;
  report.failures_kept = options.failures_kept;

  std::vector<ImplementationFold> folds(options.implementations.size());
  std::vector<SuitePairing> pairings;
  const std::vector<conformance::Suite>& registry = conformance::suites();
  for (std::size_t position = 0; position < options.implementations.size(); ++position) {
    const conformance::Implementation& implementation = *options.implementations[position];
    reports::ImplementationReport& entry = folds[position].report;
    entry.name = implementation.name;
    entry.kind = implementation.kind;
    entry.expected_rule = implementation.breaks;
    std::vector<std::string> suite_names;
    for (std::size_t registry_position = 0; registry_position < registry.size();
         ++registry_position) {
      const conformance::Suite& suite = registry[registry_position];
      const bool selected = options.suites.empty() ||
                            std::find(options.suites.begin(), options.suites.end(), suite.name) !=
                                options.suites.end();
      if (!selected || !suite.applies(implementation)) {
        continue;
      }
      pairings.push_back(SuitePairing{position, entry.suites.size(), registry_position});
      reports::SuiteRun run{suite.name, 0, {}};
      for (const harness::Probe probe : suite.probes) {
        run.probes[std::string(harness::probe_name(probe))] = 0;
      }
      entry.suites.push_back(std::move(run));
      suite_names.push_back(suite.name);
    }
    entry.rules_checked = rules_checked_by(suite_names);
  }

  const ScheduleTaskSpace space(pairings, options.time_seconds ? std::nullopt : options.runs,
                                options.only_schedule, options.shard_index, options.shard_count);
  std::size_t announced = 0;
  const auto announce_finished = [&](bool all) {
    while (announced < folds.size() &&
           (all || folds[announced].finished == space.tasks_of(announced))) {
      observer.implementation_done(folds[announced].report);
      ++announced;
    }
  };
  announce_finished(false);  // implementations no suite applies to are done at once

  harness::ScheduleOptions schedule_options;
  std::optional<StackPool> stack_pool;  // made on first use, so that each worker has its own
  const TaskRunner run_task = [&](std::uint64_t task_number) {
    if (!stack_pool) {
      stack_pool.emplace(StackPool::default_usable_bytes());
      schedule_options.stack_pool = &*stack_pool;
    }
    const ScheduleTask task = space.at(task_number);
    const conformance::Suite& suite = registry[task.pairing.registry_position];
    const std::uint64_t seed = schedule_seed(options.seed, task.schedule_index);
    const auto run_here = [&] {
      const harness::ScheduleOutcome outcome =
          suite.run(*options.implementations[task.pairing.implementation_position], seed,
                    make_strategy(options.strategy, strategy_seed(seed), suite.pct_estimated_steps),
                    schedule_options);
      return ScheduleRecord::from(task_number, outcome.world);
    };
    return options.isolate
               ? run_schedule_isolated(task_number, run_here,
                                       schedule_isolation_limits(options.schedule_timeout_ms))
                     .record
               : run_here();
  };
  const RecordSink sink = [&](const ScheduleRecord& record) {
    const ScheduleTask task = space.at(record.task);
    fold(folds[task.pairing.implementation_position], task, record, options.failures_kept);
    observer.schedule_finished(record.failed());
    announce_finished(false);
  };
  WorkerSettings settings;
  settings.jobs = options.jobs;
  if (options.time_seconds) {
    settings.deadline_seconds = real_host_seconds() + static_cast<double>(*options.time_seconds);
  }
  const bool ran = run_tasks(
      space, settings, run_task, sink, [&] { observer.tick(); }, result.error);
  result.interrupt_signal = interrupt_signal();
  report.interrupted = result.interrupt_signal != 0;
  observer.schedules_finished();
  if (!ran) {
    return result;
  }
  announce_finished(true);

  for (std::size_t position = 0; position < folds.size(); ++position) {
    ImplementationFold& fold = folds[position];
    for (const auto& [key, candidate] : fold.candidates) {
      reports::Failure failure;
      if (!materialize(options, *options.implementations[position], key, candidate, failure,
                       result.nondeterministic, result.error)) {
        return result;
      }
      fold.report.failures.push_back(std::move(failure));
    }
    report.implementations.push_back(std::move(fold.report));
  }
  report.shrink_runs = options.report_directory.empty() ? 0 : options.shrink_runs;
  // An interrupted run ends now: the user asked for the report, not for more work. A signal
  // during the shrinks stops them, and the report says it was interrupted: which shrinks
  // finished depends on when it came.
  if (report.shrink_runs > 0 && !report.interrupted) {
    if (!shrink_kept_failures(options, report, result.error)) {
      return result;
    }
    result.interrupt_signal = interrupt_signal();
    report.interrupted = result.interrupt_signal != 0;
  }
  report.run_digest = reports::compute_run_digest(report);
  result.report = std::move(report);
  return result;
}

}  // namespace lockstep::runner
