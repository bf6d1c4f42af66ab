// The run: tasks, workers, folding, kept failures.
#include "runner/run_schedules.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "conformance/registry/suites.h"
#include "reports/atomic_file.h"
#include "reports/replay_file.h"
#include "reports/report_merge.h"
#include "reports/reproduce_token.h"
#include "reports/schedule_digest.h"
#include "reports/schedule_trace.h"
#include "reports/shell_command.h"
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
    ++suite.violations_by_rule[rule];
  }
  if (!record.abnormal_outcome.empty()) {
    ++report.violations_by_rule[record.abnormal_outcome];
    ++suite.violations_by_rule[record.abnormal_outcome];
  }
  if (!record.failed()) {
    return;
  }
  ++report.failed_schedules;
  ++suite.failed_schedules;
  for (const std::string& rule : record.rules()) {
    ++report.failed_schedules_by_rule[rule];
  }
  if (!report.first_failure_index || task.schedule_index < *report.first_failure_index) {
    report.first_failure_index = task.schedule_index;
  }
  fold.candidates[{task.schedule_index, task.pairing.suite_position}] =
      Candidate{task.pairing.registry_position, record.trace_hash, record.rules()};
  prune(fold.candidates, failures_kept);
}

// Only the rules --rule selects count: the record keeps the others out of every count.
ScheduleRecord selected(ScheduleRecord record, const NameFilter& rule_filter) {
  if (rule_filter.empty()) {
    return record;
  }
  std::erase_if(record.violations,
                [&](const std::string& rule) { return !rule_filter.matches(rule); });
  if (!record.abnormal_outcome.empty() && !rule_filter.matches(record.abnormal_outcome)) {
    record.abnormal_outcome.clear();
  }
  return record;
}

// The first violation --rule selects, or the outcome, in one line.
std::string explanation_of(const harness::WorldResult& world, const NameFilter& rule_filter) {
  for (const harness::Violation& violation : world.violations) {
    if (rule_filter.matches(violation.rule)) {
      return violation.to_text();
    }
  }
  return world.violations.empty()
             ? world.summary()
             : std::string(outcome_name(world.run.outcome)) + ": " + world.run.message;
}

// How the report names an implementation, and its library.
const ImplementationLabel* label_of(const RunOptions& options, std::size_t position) {
  return position < options.labels.size() && options.labels[position] ? &*options.labels[position]
                                                                      : nullptr;
}

// The command that re-runs one schedule alone: for a plugin its library's path.
std::string schedule_command(const RunOptions& options, std::size_t position,
                             const std::string& suite, std::uint64_t index) {
  const ImplementationLabel* label = label_of(options, position);
  const std::string implementation =
      label && label->library ? label->library->path : options.implementations[position]->name;
  return command_line(options, {"run", "--impl", implementation, "--suite", suite, "--seed",
                                std::to_string(options.seed), "--strategy",
                                options.strategy.to_text(), "--schedule", std::to_string(index)});
}

// The short string that regenerates the schedule (reproduce_token.h).
std::string token_of(const RunOptions& options, const reports::ImplementationReport& entry,
                     const reports::Failure& failure) {
  return reports::to_text(reports::ReproduceToken{
      entry.name, failure.suite, options.seed, failure.schedule_index, options.strategy.to_text()});
}

}  // namespace

reports::TraceContext trace_context(const reports::ImplementationReport& entry,
                                    const reports::Failure& failure,
                                    const harness::WorldResult& world) {
  reports::TraceContext context;
  context.process_name = "lockstep: " + entry.name + ", suite " + failure.suite + ", schedule " +
                         std::to_string(failure.schedule_index);
  for (const harness::Violation& violation : world.violations) {
    context.violation_texts.push_back(violation.to_text());
  }
  return context;
}

namespace {

// Writes the replay file and the Chrome trace of one failure.
bool write_failure_files(const RunOptions& options, const reports::ImplementationReport& entry,
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
  const std::string stem = failure.file_stem(entry.file_name());
  reports::ReplayFile replay;
  replay.implementation = entry.name;
  if (entry.library) {
    replay.library = entry.library->path;
    replay.library_sha256 = entry.library->sha256;
  }
  replay.build = reports::build_id();
  replay.suite = failure.suite;
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
  if (!reports::write_replay_file(replay, replay_path, error) ||
      !reports::write_file_atomically((directory / (stem + ".trace.json")).string(),
                                      reports::chrome_trace_json(outcome.trace,
                                                                 trace_context(entry, failure,
                                                                               outcome.world)),
                                      error)) {
    return false;
  }
  failure.replay_file = "failures/" + stem + ".replay";
  failure.reproduce = command_line(options, {"replay", replay_path});
  return true;
}

// Re-runs a kept failure with its events kept. False with `error` if it cannot be written or
// (with `nondeterministic` set) if it does not reproduce its trace hash.
// A schedule that did not come back from its child: re-run it isolated (it must fail the same
// way) and keep it with an empty decision log; its replay re-runs the original strategy.
bool materialize_isolated(const RunOptions& options, std::size_t position,
                          const reports::ImplementationReport& entry, const CandidateKey& key,
                          const Candidate& candidate, reports::Failure& failure,
                          bool& nondeterministic, std::string& error) {
  const conformance::Implementation& implementation = *options.implementations[position];
  const conformance::Suite& suite = conformance::suites()[candidate.registry_position];
  const std::uint64_t seed = schedule_seed(options.seed, key.first);
  const IsolatedSchedule again = run_schedule_isolated(
      key.first,
      [&] {
        const harness::ScheduleOutcome outcome =
            suite.run(implementation, seed,
                      make_strategy(options.strategy, strategy_seed(seed), kPctEstimatedSteps), {});
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
  failure.reproduce = schedule_command(options, position, suite.name, key.first);
  failure.reproduce_token = token_of(options, entry, failure);
  return options.report_directory.empty() ||
         write_failure_files(options, entry, failure, harness::ScheduleOutcome{}, error);
}

bool materialize(const RunOptions& options, std::size_t position,
                 const reports::ImplementationReport& entry, const CandidateKey& key,
                 const Candidate& candidate, reports::Failure& failure, bool& nondeterministic,
                 std::string& error) {
  const conformance::Implementation& implementation = *options.implementations[position];
  if (is_isolation_rule(candidate.rules.front())) {
    return materialize_isolated(options, position, entry, key, candidate, failure, nondeterministic,
                                error);
  }
  const conformance::Suite& suite = conformance::suites()[candidate.registry_position];
  const std::uint64_t seed = schedule_seed(options.seed, key.first);
  harness::ScheduleOptions keep;
  keep.keep_trace_events = true;
  const harness::ScheduleOutcome outcome =
      suite.run(implementation, seed,
                make_strategy(options.strategy, strategy_seed(seed), kPctEstimatedSteps), keep);
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
  failure.explanation = explanation_of(outcome.world, options.rule_filter);
  failure.fault_plan = outcome.world.fault_plan.to_text();
  failure.trace_hash = outcome.world.run.trace_hash;
  failure.decisions = outcome.decisions.size();
  failure.reproduce = schedule_command(options, position, suite.name, key.first);
  failure.reproduce_token = token_of(options, entry, failure);
  return options.report_directory.empty() ||
         write_failure_files(options, entry, failure, outcome, error);
}

}  // namespace

std::string command_line(const RunOptions& options, const std::vector<std::string>& words) {
  std::vector<std::string> all = options.command;
  all.insert(all.end(), words.begin(), words.end());
  return reports::shell_command(all);
}

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
  report.lockstep_version = reports::lockstep_version();
  report.build = reports::build_id();
  report.rule_filter = options.rule_filter.to_text();
  report.max_failures = options.max_failures;
  report.verdict_policy = options.verdict_policy;

  std::vector<ImplementationFold> folds(options.implementations.size());
  std::vector<SuitePairing> pairings;
  const std::vector<conformance::Suite>& registry = conformance::suites();
  for (std::size_t position = 0; position < options.implementations.size(); ++position) {
    const conformance::Implementation& implementation = *options.implementations[position];
    reports::ImplementationReport& entry = folds[position].report;
    const ImplementationLabel* label = label_of(options, position);
    entry.name = label ? label->name : implementation.name;
    entry.library = label ? label->library : std::nullopt;
    entry.kind = implementation.kind;
    entry.expected_rule = implementation.breaks;
    std::vector<std::string> suite_names;
    for (std::size_t registry_position = 0; registry_position < registry.size();
         ++registry_position) {
      const conformance::Suite& suite = registry[registry_position];
      const bool selected = options.suites.empty() ||
                            std::find(options.suites.begin(), options.suites.end(), suite.name) !=
                                options.suites.end();
      const bool checks_a_selected_rule =
          options.rule_filter.empty() || !rules_selected(suite.rules, options.rule_filter).empty();
      if (!selected || !checks_a_selected_rule || !suite.applies(implementation)) {
        continue;
      }
      pairings.push_back(SuitePairing{position, entry.suites.size(), registry_position});
      entry.suites.push_back(reports::SuiteRun{suite.name, 0});
      suite_names.push_back(suite.name);
    }
    entry.rules_checked = rules_selected(rules_checked_by(suite_names), options.rule_filter);
    entry.expectation = expectation_of(implementation, suite_names, options.rule_filter);
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
                    make_strategy(options.strategy, strategy_seed(seed), kPctEstimatedSteps),
                    schedule_options);
      return ScheduleRecord::from(task_number, outcome.world);
    };
    return selected(options.isolate ? run_schedule_isolated(
                                          task_number, run_here,
                                          schedule_isolation_limits(options.schedule_timeout_ms))
                                          .record
                                    : run_here(),
                    options.rule_filter);
  };
  std::uint64_t unexpected_failures = 0;
  const RecordSink sink = [&](const ScheduleRecord& record) {
    const ScheduleTask task = space.at(record.task);
    ImplementationFold& implementation_fold = folds[task.pairing.implementation_position];
    fold(implementation_fold, task, record, options.failures_kept);
    const reports::Expectation expectation = implementation_fold.report.expectation;
    const bool failure_expected =
        options.verdict_policy == "self-check" && (expectation == reports::Expectation::caught ||
                                                   expectation == reports::Expectation::not_judged);
    unexpected_failures += record.failed() && !failure_expected ? 1 : 0;
    observer.schedule_finished(record.failed());
    announce_finished(false);
  };
  WorkerSettings settings;
  settings.jobs = options.jobs;
  if (options.max_failures > 0) {
    settings.stop_requested = [&] { return unexpected_failures >= options.max_failures; };
  }
  if (options.time_seconds) {
    settings.deadline_seconds = real_host_seconds() + static_cast<double>(*options.time_seconds);
  }
  const bool ran = run_tasks(
      space, settings, run_task, sink, [&] { observer.tick(); }, result.error);
  result.interrupt_signal = interrupt_signal();
  report.interrupted = result.interrupt_signal != 0;
  report.stopped_at_max_failures =
      options.max_failures > 0 && unexpected_failures >= options.max_failures;
  observer.schedules_finished();
  if (!ran) {
    return result;
  }
  announce_finished(true);

  for (std::size_t position = 0; position < folds.size(); ++position) {
    ImplementationFold& fold = folds[position];
    for (const auto& [key, candidate] : fold.candidates) {
      reports::Failure failure;
      if (!materialize(options, position, fold.report, key, candidate, failure,
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
    if (!shrink_kept_failures(options, report, observer, result.error)) {
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
