// The run: tasks handed to the worker pool, records folded in schedule order, the hang limit,
// kept failures.
#include "runner/run_schedules.h"

#include "runner/property_stage.h"

#include <algorithm>
#include <map>
#include <set>
#include "conformance/registry/suites.h"

#include "reports/replay_file.h"
#include "reports/report_merge.h"
#include "reports/schedule_digest.h"
#include "reports/shell_command.h"
#include "runner/failure_shrinking.h"
#include "runner/interrupt_signals.h"
#include "runner/isolated_schedule.h"
#include "runner/kept_failures.h"
#include "runner/process_pool.h"
#include "runner/real_host_clock.h"
#include "runner/schedule_service.h"
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
  std::string explanation;  // why it did not come back from its worker, if it did not
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
          const std::string& explanation, std::uint64_t failures_kept) {
  reports::ImplementationReport& report = fold.report;
  reports::SuiteRun& suite = report.suites[task.pairing.suite_position];
  ++report.schedules;
  ++suite.schedules;
  ++fold.finished;
  if (!record.subject_created) {
    ++suite.schedules_without_subject;
  }
  report.digest +=
      reports::schedule_digest_term(suite.name, task.schedule_index, record.trace_hash);
  for (const std::string& rule : record.violations) {
    ++report.violations_by_rule[rule];
    ++suite.violations_by_rule[rule];
  }
  for (std::size_t index = 0; index < harness::kProbeCount; ++index) {
    const auto probe = static_cast<harness::Probe>(index);
    if (record.probes.reached(probe)) {
      ++suite.probes[std::string(harness::probe_name(probe))];
    }
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
      Candidate{task.pairing.registry_position, record.trace_hash, record.rules(), explanation};
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

// How the report names an implementation, and its library.
const ImplementationLabel* label_of(const RunOptions& options, std::size_t position) {
  return position < options.labels.size() && options.labels[position] ? &*options.labels[position]
                                                                      : nullptr;
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

namespace {

// The schedules of a run on the pool: hands out tasks in order (skipping the implementations
// given up on), and folds the records in task order, whatever order they come back in.
class ScheduleWork final : public PoolWork {
 public:
  ScheduleWork(const RunOptions& options, const ScheduleTaskSpace& space,
               std::vector<ImplementationFold>& folds, RunObserver& observer)
      : options_(options),
        space_(space),
        folds_(folds),
        observer_(observer),
        observed_hangs_(folds.size()),
        dispatch_cutoff_(folds.size()),
        hangs_folded_(folds.size(), 0),
        given_up_(folds.size(), false) {}

  std::optional<std::uint64_t> next_task() override {
    const std::optional<std::uint64_t> size = space_.size();
    while ((!size || next_ < *size) && !stopped_at_max_failures_) {
      if (!size && every_implementation_given_up()) {
        return std::nullopt;
      }
      const std::uint64_t task = next_++;
      const std::size_t implementation = space_.at(task).pairing.implementation_position;
      if (dispatch_cutoff_[implementation] && task > *dispatch_cutoff_[implementation]) {
        continue;
      }
      unfinished_.insert(task);
      return task;
    }
    return std::nullopt;
  }

  std::string request_of(std::uint64_t task) override {
    const ScheduleTask at = space_.at(task);
    ScheduleRequest request;
    request.mode = ScheduleRequest::Mode::run;
    request.implementation = at.pairing.implementation_position;
    request.suite = at.pairing.registry_position;
    request.schedule_seed = schedule_seed(options_.seed, at.schedule_index);
    request.strategy = strategy_text_;
    return request.encode();
  }

  bool task_ended(std::uint64_t task, const TaskEnd& end) override {
    Finished finished;
    if (end.outcome.kind == harness::IsolatedOutcomeKind::completed) {
      std::optional<ScheduleRecord> record = ScheduleRecord::parse(end.outcome.result);
      if (!record) {
        return false;
      }
      finished.record = std::move(*record);
    } else {
      finished.record.abnormal_outcome = isolation_rule_of(end.outcome);
      finished.explanation = isolation_explanation(end.outcome);
    }
    finished.record = selected(std::move(finished.record), options_.rule_filter);
    finished.record.task = task;
    if (finished.record.abnormal_outcome == "hang") {
      note_hang(task);
    }
    unfinished_.erase(task);
    arrived_.emplace(task, std::move(finished));
    fold_in_order();
    return true;
  }

  void task_not_run(std::uint64_t task) override {
    unfinished_.erase(task);
    fold_in_order();
  }

  /// Folds what is left (after the pool stopped: nothing is unfinished any more).
  void finish() {
    unfinished_.clear();
    fold_in_order();
  }

  bool given_up(std::size_t implementation) const { return given_up_[implementation]; }

  /// --max-failures was reached: the schedules after that failure (in schedule order) are not
  /// run, as far as the report goes, whichever worker had them.
  bool stopped_at_max_failures() const { return stopped_at_max_failures_; }

 private:
  struct Finished {
    ScheduleRecord record;
    std::string explanation;
  };

  // Under the self-check verdict a mutant expected to be caught (or not judged) may fail.
  bool failure_expected(const reports::ImplementationReport& report) const {
    return options_.verdict_policy == "self-check" &&
           (report.expectation == reports::Expectation::caught ||
            report.expectation == reports::Expectation::not_judged);
  }

  bool every_implementation_given_up() const {
    for (std::size_t implementation = 0; implementation < folds_.size(); ++implementation) {
      if (space_.has_pairings(implementation) && !given_up_[implementation] &&
          !dispatch_cutoff_[implementation]) {
        return false;
      }
    }
    return true;
  }

  // Once max_hangs hangs of an implementation were seen, its tasks after the max_hangs-th of
  // them can no longer be folded (the cut in task order is at or before it): stop handing
  // them out.
  void note_hang(std::uint64_t task) {
    if (options_.max_hangs == 0) {
      return;
    }
    const std::size_t implementation = space_.at(task).pairing.implementation_position;
    std::set<std::uint64_t>& hangs = observed_hangs_[implementation];
    hangs.insert(task);
    if (hangs.size() >= options_.max_hangs) {
      dispatch_cutoff_[implementation] =
          *std::next(hangs.begin(), static_cast<std::ptrdiff_t>(options_.max_hangs - 1));
    }
  }

  void fold_in_order() {
    while (!arrived_.empty() &&
           (unfinished_.empty() || arrived_.begin()->first < *unfinished_.begin())) {
      const std::uint64_t task = arrived_.begin()->first;
      const Finished finished = std::move(arrived_.begin()->second);
      arrived_.erase(arrived_.begin());
      const ScheduleTask at = space_.at(task);
      const std::size_t implementation = at.pairing.implementation_position;
      if (given_up_[implementation] || stopped_at_max_failures_) {
        continue;  // after the cut: not run, as far as the report goes
      }
      fold(folds_[implementation], at, finished.record, finished.explanation,
           options_.failures_kept);
      observer_.schedule_finished(finished.record.failed());
      if (finished.record.failed() && !failure_expected(folds_[implementation].report) &&
          options_.max_failures != 0 && ++unexpected_failures_ >= options_.max_failures) {
        stopped_at_max_failures_ = true;
      }
      if (finished.record.abnormal_outcome == "hang" && options_.max_hangs != 0 &&
          ++hangs_folded_[implementation] >= options_.max_hangs) {
        given_up_[implementation] = true;
        folds_[implementation].report.stopped_after_hangs = options_.max_hangs;
      }
      announce();
    }
  }

 public:
  /// Tells the observer about every implementation whose schedules are all folded, in order.
  void announce(bool all = false) {
    while (announced_ < folds_.size() &&
           (all || given_up_[announced_] || stopped_at_max_failures_ ||
            (space_.size() && folds_[announced_].finished == space_.tasks_of(announced_)))) {
      if (space_.size()) {
        folds_[announced_].report.schedules_not_run =
            space_.tasks_of(announced_) - folds_[announced_].finished;
      }
      observer_.implementation_done(folds_[announced_].report);
      ++announced_;
    }
  }

 private:
  const RunOptions& options_;
  const ScheduleTaskSpace& space_;
  std::vector<ImplementationFold>& folds_;
  RunObserver& observer_;
  const std::string strategy_text_ = options_.strategy.to_text();
  std::uint64_t next_ = 0;
  std::set<std::uint64_t> unfinished_;         // handed out, not ended
  std::map<std::uint64_t, Finished> arrived_;  // ended, not folded yet
  std::vector<std::set<std::uint64_t>> observed_hangs_;
  std::vector<std::optional<std::uint64_t>> dispatch_cutoff_;
  std::vector<std::uint64_t> hangs_folded_;
  std::vector<bool> given_up_;
  std::uint64_t unexpected_failures_ = 0;
  bool stopped_at_max_failures_ = false;
  std::size_t announced_ = 0;
};

}  // namespace

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
    entry.provides_no_part = std::none_of(
        registry.begin(), registry.end(),
        [&](const conformance::Suite& suite) { return suite.applies(implementation); });
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
      reports::SuiteRun run{suite.name, 0, {}};
      for (const harness::Probe probe : conformance::expected_probes(suite, implementation)) {
        run.probes[std::string(harness::probe_name(probe))] = 0;
      }
      entry.suites.push_back(std::move(run));
      suite_names.push_back(suite.name);
    }
    entry.rules_checked = rules_selected(rules_checked_by(suite_names), options.rule_filter);
    entry.expectation = expectation_of(implementation, suite_names, options.rule_filter);
  }

  const ScheduleTaskSpace space(pairings, options.time_seconds ? std::nullopt : options.runs,
                                options.only_schedule, options.shard_index, options.shard_count);
  ScheduleWork work(options, space, folds, observer);
  work.announce();  // implementations no suite applies to are done at once

  ProcessPoolSettings settings;
  settings.processes = std::max(1u, options.jobs);
  if (space.size()) {
    settings.processes = static_cast<unsigned>(
        std::max<std::uint64_t>(1, std::min<std::uint64_t>(settings.processes, *space.size())));
  }
  settings.task_timeout_ms = schedule_timeout_ms(options.schedule_timeout_ms);
  settings.limits = schedule_worker_limits();
  // Schedules take 20-200 us: 64 in flight keep a worker busy for longer than the half
  // millisecond the parent lets replies pile up before it reads them.
  settings.tasks_in_flight_per_process = 64;
  settings.reply_batch_wait_us = 500;
  if (options.time_seconds) {
    settings.deadline_seconds = real_host_seconds() + static_cast<double>(*options.time_seconds);
  }
  const std::vector<const conformance::Implementation*>& implementations = options.implementations;
  const harness::WorkerHandler handler = [&implementations](std::string_view request) {
    return serve_schedule_request(implementations, request);
  };
  const harness::WorkerSetup setup = options.worker_setup;
  bool ran = true;
  if (space.size() != std::optional<std::uint64_t>(0)) {
    ran = run_process_pool(
        setup, handler, settings, work, [&] { observer.tick(); }, result.error);
  }
  work.finish();
  result.interrupt_signal = interrupt_signal();
  report.interrupted = result.interrupt_signal != 0;
  report.stopped_at_max_failures = work.stopped_at_max_failures();
  observer.schedules_finished();
  if (!ran) {
    return result;
  }
  work.announce(/*all=*/true);

  std::vector<KeptCandidate> candidates;
  for (std::size_t position = 0; position < folds.size(); ++position) {
    ImplementationFold& fold = folds[position];
    for (const auto& [key, candidate] : fold.candidates) {
      candidates.push_back(KeptCandidate{position, candidate.registry_position, key.first,
                                         candidate.trace_hash, candidate.rules,
                                         candidate.explanation});
    }
  }
  std::vector<std::vector<reports::Failure>> failures(folds.size());
  if (!materialize_kept_failures(options, candidates, failures, result.nondeterministic,
                                 result.error)) {
    return result;
  }
  for (std::size_t position = 0; position < folds.size(); ++position) {
    folds[position].report.failures = std::move(failures[position]);
    report.implementations.push_back(std::move(folds[position].report));
  }
  std::string property_error;
  if (!report.interrupted && !check_properties(options, report, property_error)) {
    result.error = property_error;
    return result;
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
