// Remembering kept failures, and re-running them.
#include "runner/failure_database.h"

#include <algorithm>
#include <filesystem>

#include "conformance/registry/suites.h"
#include "reports/replay_file.h"
#include "runner/isolated_schedule.h"
#include "runner/isolated_shrink.h"
#include "runner/schedule_service.h"
#include "runner/worker_client.h"

namespace lockstep::runner {

namespace {

// Which of the run's implementations a replay file names: by the report's name, or (a version 1
// file of a plugin) by its library's path.
std::optional<std::size_t> implementation_of(const RunOptions& options,
                                             const std::vector<std::string>& report_names,
                                             const reports::ReplayFile& file) {
  for (std::size_t position = 0; position < options.implementations.size(); ++position) {
    const bool plugin_path = position < options.labels.size() && options.labels[position] &&
                             options.labels[position]->library &&
                             options.labels[position]->library->path == file.implementation;
    if (report_names[position] == file.implementation || plugin_path) {
      return position;
    }
  }
  return std::nullopt;
}

reports::Rerun rerun_one(const RunOptions& options, WorkerClient& worker,
                         std::size_t implementation_position, std::size_t registry_position,
                         const reports::ReplayFile& file) {
  const conformance::Implementation& implementation =
      *options.implementations[implementation_position];
  reports::Rerun rerun;
  rerun.rule = file.rule;
  rerun.expected = options.verdict_policy == "self-check" && implementation.kind == "mutant";
  const std::uint64_t timeout_ms = schedule_timeout_ms(
      options.schedule_timeout_ms != 0 ? options.schedule_timeout_ms : file.timeout_ms);
  if (is_isolation_rule(file.rule)) {
    ScheduleRequest request;
    request.mode = ScheduleRequest::Mode::run;
    request.implementation = implementation_position;
    request.suite = registry_position;
    request.schedule_seed = file.schedule_seed;
    request.strategy = file.strategy;
    const TaskEnd end = worker.call(request.encode(), timeout_ms);
    const bool completed = end.outcome.kind == harness::IsolatedOutcomeKind::completed;
    rerun.result =
        !completed && isolation_rule_of(end.outcome) == file.rule ? "still-fails" : "now-holds";
    rerun.explanation =
        completed ? "the schedule ended normally" : isolation_explanation(end.outcome);
    return rerun;
  }
  const ShrinkSubject subject{implementation_position, registry_position, file.schedule_seed,
                              file.rule};
  std::string error;
  std::optional<IsolatedRerun> exact = rerun_isolated(
      worker, subject, file.decisions, /*keep_chrome_trace=*/false, timeout_ms, error);
  if (exact && exact->trace_hash == file.trace_hash) {
    rerun.result = exact->still_fails ? "still-fails" : "now-holds";
    rerun.explanation = exact->explanation;
    return rerun;
  }
  const std::optional<IsolatedRerun> guided =
      rerun_isolated(worker, subject, file.decisions, /*keep_chrome_trace=*/false, timeout_ms,
                     error, /*guided=*/true);
  if (!guided) {
    rerun.result = "still-fails";  // it did not come back from its worker: far from fixed
    rerun.explanation = error;
    return rerun;
  }
  rerun.result = guided->still_fails ? "still-fails" : "now-holds";
  rerun.explanation = "(the schedule changed; run as near to it as it goes) " + guided->explanation;
  return rerun;
}

}  // namespace

bool remember_failures(const reports::RunReport& report, const std::string& directory,
                       std::string& error) {
  const std::filesystem::path root(directory);
  std::error_code status;
  std::filesystem::create_directories(root / kKnownFailuresDirectory, status);
  if (status) {
    error =
        "cannot create '" + (root / kKnownFailuresDirectory).string() + "': " + status.message();
    return false;
  }
  for (const reports::ImplementationReport& implementation : report.implementations) {
    for (const reports::Failure& failure : implementation.failures) {
      const std::string source =
          failure.shrunk() ? failure.shrunk_replay_file : failure.replay_file;
      if (source.empty()) {
        continue;
      }
      const std::filesystem::path target =
          root / kKnownFailuresDirectory /
          (reports::Failure::stem_of(failure.replay_file) + ".replay");
      std::filesystem::copy_file(root / source, target,
                                 std::filesystem::copy_options::overwrite_existing, status);
      if (status) {
        error =
            "cannot keep '" + source + "' in " + kKnownFailuresDirectory + "/: " + status.message();
        return false;
      }
    }
  }
  return true;
}

RerunOutcome rerun_known_failures(const RunOptions& options,
                                  const std::vector<std::string>& report_names,
                                  const std::string& directory) {
  RerunOutcome outcome;
  const std::filesystem::path folder = std::filesystem::path(directory) / kKnownFailuresDirectory;
  std::error_code status;
  if (!std::filesystem::is_directory(folder, status)) {
    return outcome;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, status)) {
    if (entry.path().extension() == ".replay") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  // The implementations' code runs only in a worker process: made on the first file to re-run.
  std::optional<WorkerClient> worker;
  for (const std::filesystem::path& path : files) {
    const std::string relative =
        std::string(kKnownFailuresDirectory) + "/" + path.filename().string();
    std::string error;
    const std::optional<reports::ReplayFile> file = reports::read_replay_file(path.string(), error);
    if (!file) {
      outcome.notes.push_back("left alone: " + error);
      continue;
    }
    const std::optional<std::size_t> position = implementation_of(options, report_names, *file);
    const conformance::Suite* suite = conformance::find_suite(file->suite);
    if (!position || suite == nullptr || !suite->applies(*options.implementations[*position])) {
      continue;  // another implementation's: this run does not include it
    }
    if (!worker) {
      worker.emplace(options.worker_setup, schedule_handler(options.implementations),
                     schedule_worker_limits());
    }
    reports::Rerun rerun =
        rerun_one(options, *worker, *position,
                  static_cast<std::size_t>(suite - conformance::suites().data()), *file);
    rerun.implementation = report_names[*position];
    rerun.file = relative;
    outcome.reruns.push_back(std::move(rerun));
  }
  return outcome;
}

}  // namespace lockstep::runner
