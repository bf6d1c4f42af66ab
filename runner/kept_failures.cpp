// Re-running kept failures on a pool of workers and writing their files.
#include "runner/kept_failures.h"

#include <filesystem>
#include <map>
#include <optional>

#include "conformance/registry/suites.h"
#include "reports/atomic_file.h"
#include "reports/replay_file.h"
#include "reports/reproduce_token.h"
#include "reports/schedule_trace.h"
#include "runner/isolated_schedule.h"
#include "runner/process_pool.h"
#include "runner/schedule_service.h"

namespace lockstep::runner {

namespace {

// A file's text for the output it keeps: the tail, and how much came before it.
std::string output_file_text(const std::string& tail, std::uint64_t total_bytes) {
  if (total_bytes <= tail.size()) {
    return tail;
  }
  return "[lockstep: the first " + std::to_string(total_bytes - tail.size()) + " of " +
         std::to_string(total_bytes) + " bytes are not kept]\n" + tail;
}

struct Rerun {
  bool reproduced = false;
  std::string explanation;
  std::string fault_plan;
  std::uint64_t trace_hash = 0;
  DecisionLog decisions;
  std::string chrome_trace;
  std::string output_tail;
  std::uint64_t output_bytes = 0;
  std::string mismatch;  // why it did not reproduce
};

class RerunWork final : public PoolWork {
 public:
  RerunWork(const RunOptions& options, const std::vector<KeptCandidate>& candidates,
            const std::vector<std::size_t>& rerun)
      : options_(options), candidates_(candidates), rerun_(rerun) {}

  std::optional<std::uint64_t> next_task() override {
    if (next_ >= rerun_.size()) {
      return std::nullopt;
    }
    return next_++;
  }

  std::string request_of(std::uint64_t task) override {
    const KeptCandidate& candidate = candidates_[rerun_[task]];
    ScheduleRequest request;
    request.mode = ScheduleRequest::Mode::keep;
    request.implementation = candidate.implementation_position;
    request.suite = candidate.registry_position;
    request.schedule_seed = schedule_seed(options_.seed, candidate.schedule_index);
    request.strategy = options_.strategy.to_text();
    request.chrome_trace = !options_.report_directory.empty();
    return request.encode();
  }

  bool task_ended(std::uint64_t task, const TaskEnd& end) override {
    const KeptCandidate& candidate = candidates_[rerun_[task]];
    Rerun& rerun = reruns_[task];
    const std::string& expected = candidate.rules.front();
    if (end.outcome.kind != harness::IsolatedOutcomeKind::completed) {
      const std::string ended = isolation_rule_of(end.outcome);
      rerun.reproduced = is_isolation_rule(expected) && ended == expected;
      rerun.explanation = isolation_explanation(end.outcome);
      rerun.output_tail = end.output_tail;
      rerun.output_bytes = end.output_bytes;
      rerun.mismatch = "it ended with '" + ended + "'";
      return true;
    }
    std::optional<ScheduleReply> reply = ScheduleReply::decode(end.outcome.result);
    if (!reply) {
      return false;
    }
    std::string error;
    std::optional<DecisionLog> decisions = DecisionLog::from_text(reply->decisions, error);
    if (!decisions) {
      return false;
    }
    rerun.trace_hash = reply->record.trace_hash;
    rerun.explanation = std::move(reply->explanation);
    rerun.fault_plan = std::move(reply->fault_plan);
    rerun.decisions = std::move(*decisions);
    rerun.chrome_trace = std::move(reply->chrome_trace);
    rerun.output_tail = std::move(reply->output_tail);
    rerun.output_bytes = reply->output_bytes;
    if (is_isolation_rule(expected)) {
      rerun.mismatch = "it came back from its worker process this time";
    } else if (reply->record.trace_hash != candidate.trace_hash) {
      rerun.mismatch = "it gave another trace hash";
    } else {
      rerun.reproduced = true;
    }
    return true;
  }

  void task_not_run(std::uint64_t task) override {
    reruns_[task].mismatch = "it was not re-run (the run was interrupted)";
  }

  std::map<std::uint64_t, Rerun>& reruns() { return reruns_; }

 private:
  const RunOptions& options_;
  const std::vector<KeptCandidate>& candidates_;
  const std::vector<std::size_t>& rerun_;
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, Rerun> reruns_;
};

// How the report names the implementation at `position`: a plugin by its table's name, with
// its library (RunOptions::labels); a bundled one by its registry name.
const ImplementationLabel* label_of(const RunOptions& options, std::size_t position) {
  return position < options.labels.size() && options.labels[position] ? &*options.labels[position]
                                                                      : nullptr;
}

std::string report_name(const RunOptions& options, std::size_t position) {
  const ImplementationLabel* label = label_of(options, position);
  return label ? label->name : options.implementations[position]->name;
}

// The command that re-runs one schedule alone (a plugin by its library's path), shell-quoted.
std::string reproduce_command(const RunOptions& options,
                              const conformance::Implementation& implementation,
                              const std::string& suite, std::uint64_t index) {
  return command_line(options, {"run", "--impl", implementation.name, "--suite", suite, "--seed",
                                std::to_string(options.seed), "--strategy",
                                options.strategy.to_text(), "--schedule", std::to_string(index)});
}

// Writes the replay file, the Chrome trace and the output of one failure.
bool write_failure_files(const RunOptions& options, std::size_t position, reports::Failure& failure,
                         const DecisionLog& decisions, const std::string& chrome_trace,
                         const std::string& output_text, std::string& error) {
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
  const ImplementationLabel* label = label_of(options, position);
  reports::ImplementationReport named;
  named.name =
      label ? label->name
            : std::filesystem::path(options.implementations[position]->name).filename().string();
  const std::string stem = failure.file_stem(named.file_name());
  reports::ReplayFile replay;
  replay.implementation = report_name(options, position);
  if (label && label->library) {
    replay.library = label->library->path;
    replay.library_sha256 = label->library->sha256;
  }
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
  if (is_isolation_rule(failure.rule)) {
    replay.timeout_ms = schedule_timeout_ms(options.schedule_timeout_ms);
  }
  replay.trace_hash = failure.trace_hash;
  replay.explanation = failure.explanation;
  replay.decisions = decisions;
  const std::string replay_path = (directory / (stem + ".replay")).string();
  if (!reports::write_replay_file(replay, replay_path, error) ||
      !reports::write_file_atomically(
          (directory / (stem + ".trace.json")).string(),
          chrome_trace.empty() ? reports::chrome_trace_json({}) : chrome_trace, error)) {
    return false;
  }
  if (!output_text.empty()) {
    if (!reports::write_file_atomically((directory / (stem + ".output.txt")).string(), output_text,
                                        error)) {
      return false;
    }
    failure.output_file = "failures/" + stem + ".output.txt";
  }
  failure.replay_file = "failures/" + stem + ".replay";
  failure.reproduce = command_line(options, {"replay", replay_path});
  return true;
}

}  // namespace

bool materialize_kept_failures(const RunOptions& options,
                               const std::vector<KeptCandidate>& candidates,
                               std::vector<std::vector<reports::Failure>>& failures,
                               bool& nondeterministic, std::string& error) {
  // Which are re-run: all but the hangs after the first of each implementation.
  std::vector<std::size_t> rerun;
  std::vector<std::optional<std::uint64_t>> task_of(candidates.size());
  std::vector<bool> hang_rerun(options.implementations.size(), false);
  for (std::size_t position = 0; position < candidates.size(); ++position) {
    const KeptCandidate& candidate = candidates[position];
    if (candidate.rules.front() == "hang") {
      if (hang_rerun[candidate.implementation_position]) {
        continue;
      }
      hang_rerun[candidate.implementation_position] = true;
    }
    task_of[position] = rerun.size();
    rerun.push_back(position);
  }
  RerunWork work(options, candidates, rerun);
  if (!rerun.empty()) {
    ProcessPoolSettings settings;
    settings.processes =
        static_cast<unsigned>(std::min<std::size_t>(std::max(1u, options.jobs), rerun.size()));
    settings.task_timeout_ms = schedule_timeout_ms(options.schedule_timeout_ms);
    settings.limits = schedule_worker_limits();
    settings.tasks_in_flight_per_process = 1;  // a hang holds up no other re-run
    settings.ignore_interrupts = true;         // an interrupted run still gets its report
    const std::vector<const conformance::Implementation*>& implementations =
        options.implementations;
    const harness::WorkerHandler handler = [&implementations](std::string_view request) {
      return serve_schedule_request(implementations, request);
    };
    const harness::WorkerSetup setup = options.worker_setup;
    if (!run_process_pool(
            setup, handler, settings, work, [] {}, error)) {
      error = "re-running the kept failures: " + error;
      return false;
    }
  }
  for (std::size_t position = 0; position < candidates.size(); ++position) {
    const KeptCandidate& candidate = candidates[position];
    const conformance::Implementation& implementation =
        *options.implementations[candidate.implementation_position];
    const conformance::Suite& suite = conformance::suites()[candidate.registry_position];
    reports::Failure failure;
    failure.suite = suite.name;
    failure.rules = candidate.rules;
    failure.rule = candidate.rules.front();
    failure.schedule_index = candidate.schedule_index;
    failure.schedule_seed = schedule_seed(options.seed, candidate.schedule_index);
    failure.fault_plan = harness::FaultPlan::draw(failure.schedule_seed).to_text();
    failure.reproduce =
        reproduce_command(options, implementation, suite.name, candidate.schedule_index);
    if (!label_of(options, candidate.implementation_position)) {
      failure.reproduce_token = reports::to_text(
          reports::ReproduceToken{implementation.name, suite.name, options.seed,
                                  candidate.schedule_index, options.strategy.to_text()});
    }
    DecisionLog decisions;
    std::string chrome_trace;
    std::string output_text;
    if (!task_of[position]) {
      failure.explanation = candidate.explanation;  // a later hang: reported as detected
    } else {
      Rerun& again = work.reruns()[*task_of[position]];
      failure.explanation = again.explanation;
      if (!again.fault_plan.empty()) {
        failure.fault_plan = again.fault_plan;
      }
      output_text = output_file_text(again.output_tail, again.output_bytes);
      if (is_isolation_rule(failure.rule)) {
        if (!again.reproduced && !candidate.explanation.empty()) {
          failure.explanation = candidate.explanation;
        }
      } else {
        failure.trace_hash = again.reproduced ? again.trace_hash : candidate.trace_hash;
        failure.decisions = again.decisions.size();
        decisions = std::move(again.decisions);
        chrome_trace = std::move(again.chrome_trace);
      }
      if (!again.reproduced) {
        failure.reproduced = false;
        if (!nondeterministic) {
          error = "schedule " + std::to_string(candidate.schedule_index) + " of " +
                  implementation.name + " on " + suite.name + " broke " + failure.rule +
                  " in the run but not when re-run (" + again.mismatch +
                  "): this build, or the implementation, is not deterministic";
        }
        nondeterministic = true;
      }
    }
    if (!options.report_directory.empty() &&
        !write_failure_files(options, candidate.implementation_position, failure, decisions,
                             chrome_trace, output_text, error)) {
      return false;
    }
    failures[candidate.implementation_position].push_back(std::move(failure));
  }
  return true;
}

}  // namespace lockstep::runner
