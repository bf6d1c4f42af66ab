// Choosing the failures to shrink, shrinking one into its files, and reading back the line.
#include "runner/failure_shrinking.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <vector>

#include "conformance/registry/suites.h"
#include "reports/atomic_file.h"
#include "reports/replay_file.h"
#include "reports/report_merge.h"
#include "runner/isolated_schedule.h"
#include "runner/isolated_shrink.h"
#include "runner/schedule_service.h"
#include "runner/schedule_workers.h"

namespace lockstep::runner {

namespace {

struct ShrinkTarget {
  std::size_t implementation_position = 0;
  std::size_t failure_position = 0;
};

std::vector<ShrinkTarget> targets_of(const reports::RunReport& report) {
  std::vector<ShrinkTarget> targets;
  for (std::size_t position = 0; position < report.implementations.size(); ++position) {
    const std::vector<reports::Failure>& failures = report.implementations[position].failures;
    for (const std::size_t chosen : reports::choose_shrunk_failures(failures)) {
      if (!is_isolation_rule(failures[chosen].rule) && !failures[chosen].replay_file.empty() &&
          failures[chosen].reproduced) {
        targets.push_back(ShrinkTarget{position, chosen});
      }
    }
  }
  return targets;
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// "failures/<stem>.replay" -> "failures/<stem>.shrunk" (add ".replay" or ".trace.json").
std::string shrunk_stem_path(const reports::Failure& failure) {
  return "failures/" + reports::Failure::stem_of(failure.replay_file) + ".shrunk";
}

// Shrinks one failure into its files. The line: "<task> 1 <probes> <decisions> <trace hash>",
// or "<task> 0 <why not>".
std::string shrink_one(const RunOptions& options, const reports::RunReport& report,
                       const ShrinkTarget& target, std::uint64_t task, WorkerClient& worker) {
  const reports::Failure& failure =
      report.implementations[target.implementation_position].failures[target.failure_position];
  const std::filesystem::path directory(options.report_directory);
  const std::string failed = std::to_string(task) + " 0 ";
  std::string error;
  const std::optional<reports::ReplayFile> original =
      reports::read_replay_file((directory / failure.replay_file).string(), error);
  const conformance::Suite* suite = conformance::find_suite(failure.suite);
  if (!original || suite == nullptr) {
    return failed + one_line(original ? "unknown suite " + failure.suite : error);
  }
  const ShrinkSubject subject{target.implementation_position,
                              static_cast<std::size_t>(suite - conformance::suites().data()),
                              original->schedule_seed, original->rule};
  const std::optional<ShrunkReplay> shrunk =
      shrink_replay(worker, subject, *original, options.shrink_runs, /*keep_chrome_trace=*/true,
                    schedule_timeout_ms(options.schedule_timeout_ms), error);
  const std::string stem_path = (directory / shrunk_stem_path(failure)).string();
  if (!shrunk || !reports::write_replay_file(shrunk->replay, stem_path + ".replay", error) ||
      !reports::write_file_atomically(stem_path + ".trace.json", shrunk->chrome_trace, error)) {
    return failed + one_line(error);
  }
  return std::to_string(task) + " 1 " + std::to_string(shrunk->probes) + " " +
         std::to_string(shrunk->replay.decisions.size()) + " " +
         std::to_string(shrunk->replay.trace_hash);
}

// Reads "<n> " off the front of `text`.
bool take_number(std::string_view& text, std::uint64_t& value) {
  const std::from_chars_result parsed =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (parsed.ec != std::errc()) {
    return false;
  }
  text.remove_prefix(static_cast<std::size_t>(parsed.ptr - text.data()));
  if (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  return true;
}

}  // namespace

bool shrink_kept_failures(const RunOptions& options, reports::RunReport& report,
                          RunObserver& observer, std::string& error) {
  const std::vector<ShrinkTarget> targets = targets_of(report);
  if (targets.empty()) {
    return true;
  }
  observer.shrinks_started(targets.size(), options.shrink_runs);
  WorkerSettings settings;
  settings.jobs = options.jobs;
  std::size_t shrunk_count = 0;
  const LineSink sink = [&](const std::string& line) {
    std::string_view rest(line);
    std::uint64_t task = 0;
    std::uint64_t status = 0;
    if (!take_number(rest, task) || !take_number(rest, status) || task >= targets.size()) {
      return false;
    }
    const ShrinkTarget& target = targets[task];
    const reports::ImplementationReport& implementation =
        report.implementations[target.implementation_position];
    reports::Failure& failure =
        report.implementations[target.implementation_position].failures[target.failure_position];
    if (status == 0) {
      observer.shrink_finished(failure.file_stem(implementation.file_name()),
                               "could not shrink: " + std::string(rest));
      return true;
    }
    reports::Failure shrunk = failure;
    if (status != 1 || !take_number(rest, shrunk.shrink_probes) ||
        !take_number(rest, shrunk.shrunk_decisions) ||
        !take_number(rest, shrunk.shrunk_trace_hash) || !rest.empty()) {
      return false;
    }
    shrunk.shrunk_replay_file = shrunk_stem_path(failure) + ".replay";
    // The explanation is read back from the file the shrink wrote, which holds it whole.
    std::string unreadable;
    const std::optional<reports::ReplayFile> written = reports::read_replay_file(
        (std::filesystem::path(options.report_directory) / shrunk.shrunk_replay_file).string(),
        unreadable);
    if (!written) {
      observer.shrink_finished(failure.file_stem(implementation.file_name()),
                               "could not shrink: " + unreadable);
      return true;
    }
    shrunk.shrunk_explanation = written->explanation;
    shrunk.shrunk_reproduce = command_line(
        options,
        {"replay",
         (std::filesystem::path(options.report_directory) / shrunk.shrunk_replay_file).string()});
    failure = std::move(shrunk);
    ++shrunk_count;
    observer.shrink_finished(failure.file_stem(implementation.file_name()), "");
    return true;
  };
  // One worker per process that shrinks (this one, or each of the --jobs processes forked to
  // share the shrinks): made on first use, so each process has its own.
  std::optional<WorkerClient> worker;
  const bool finished = run_line_tasks(
      targets.size(), settings,
      [&](std::uint64_t task) {
        if (!worker) {
          worker.emplace(options.worker_setup, schedule_handler(options.implementations),
                         schedule_worker_limits());
        }
        return shrink_one(options, report, targets[task], task, *worker);
      },
      sink, [&] { observer.tick(); }, error);
  worker.reset();
  if (finished) {
    observer.shrinks_finished(shrunk_count, targets.size());
  }
  return finished;
}

}  // namespace lockstep::runner
