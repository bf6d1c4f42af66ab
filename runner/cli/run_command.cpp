// The run command's checks, banner, per-implementation lines and verdict.
#include "runner/cli/run_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "conformance/registry/suites.h"
#include "reports/atomic_file.h"
#include "reports/ci_annotations.h"
#include "runner/cli/exit_codes.h"
#include "runner/cli/invocation.h"
#include "runner/cli/progress_display.h"
#include "runner/cli/run_output.h"
#include "runner/cli/run_selection.h"
#include "runner/cli/shard_environment.h"
#include "runner/failure_database.h"
#include "runner/interrupt_signals.h"
#include "runner/report_directory.h"
#include "runner/suite_rules.h"

namespace lockstep::cli {

namespace {

// "I/N" with 1 <= I <= N: the shard owns schedule indices i with i % N == I - 1.
bool parse_shard(const std::string& text, runner::RunOptions& options) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() || text.size() > 24) {
    return false;
  }
  const auto digits = [](const std::string& part) {
    return !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
  };
  const std::string index = text.substr(0, slash);
  const std::string count = text.substr(slash + 1);
  if (!digits(index) || !digits(count) || index.size() > 9 || count.size() > 9) {
    return false;
  }
  options.shard_index = std::stoull(index);
  options.shard_count = std::stoull(count);
  return options.shard_index >= 1 && options.shard_index <= options.shard_count;
}

bool suite_selected(const runner::RunOptions& options, const conformance::Suite& suite) {
  const bool named =
      options.suites.empty() ||
      std::find(options.suites.begin(), options.suites.end(), suite.name) != options.suites.end();
  return named && (options.rule_filter.empty() ||
                   !runner::rules_selected(suite.rules, options.rule_filter).empty());
}

}  // namespace

int run_command(runner::RunOptions& options, const RunSettings& settings,
                runner::ImplementationResolver& resolver) {
  std::string error;
  const auto usage = [](const std::string& message) {
    std::fprintf(stderr, "lockstep: %s\n", message.c_str());
    return kExitUsage;
  };
  const auto strategy = parse_strategy_spec(settings.strategy_text, error);
  if (!strategy) {
    return usage(error);
  }
  options.strategy = *strategy;
  std::string shard_source;
  if (!settings.shard_text.empty()) {
    if (settings.shard_count) {
      return usage("--shard I/N and --shard-count N: give one");
    }
    if (!parse_shard(settings.shard_text, options)) {
      return usage("--shard '" + settings.shard_text + "' is not I/N with 1 <= I <= N");
    }
  } else if (!settings.schedule_given) {
    const std::optional<EnvironmentShard> shard =
        shard_from_environment(settings.shard_count, error);
    if (!error.empty()) {
      return usage(error);
    }
    if (shard) {
      options.shard_index = shard->index;
      options.shard_count = shard->count;
      shard_source = shard->source;
    }
  }
  if (settings.schedule_given) {
    if (options.shard_count > 1) {
      return usage("--schedule re-runs one schedule; it takes no --shard");
    }
    options.only_schedule = settings.schedule;
  } else if (settings.time_given) {
    options.time_seconds = settings.time_seconds;
  } else {
    options.runs = settings.runs;
  }
  if (!select_suites(settings.suites, options.suites, error)) {
    return usage(error);
  }
  const std::optional<runner::NameFilter> rule_filter = parse_rule_filter(settings.rules, error);
  if (!rule_filter) {
    return usage(error);
  }
  options.rule_filter = *rule_filter;
  if (!select_implementations(settings.names, resolver, options.implementations, error)) {
    return usage(error);
  }
  for (const conformance::Implementation* implementation : options.implementations) {
    if (implementation->kind == "plugin") {
      options.isolate = true;  // a third party's code runs where it cannot take the run down
    }
  }
  options.labels = labels_of(options.implementations, resolver, error);
  if (options.labels.empty() && !options.implementations.empty()) {
    return usage(error);
  }
  options.verdict_policy = settings.plain_verdict ? "plain" : "self-check";
  options.max_failures = settings.fail_fast ? 1 : settings.max_failures;
  options.command = invocation();
  if ((settings.rerun_failed || settings.annotations == "sarif") &&
      options.report_directory.empty()) {
    return usage(std::string(settings.rerun_failed ? "--rerun-failed" : "--annotations sarif") +
                 " needs --report DIR (the failure database and the SARIF file live there)");
  }
  if (!options.report_directory.empty() &&
      !runner::prepare_report_directory(options.report_directory, error)) {
    return usage(error);
  }

  std::string budget;
  if (options.only_schedule) {
    budget = "schedule " + std::to_string(*options.only_schedule) + " only";
  } else if (options.time_seconds) {
    budget = "schedules for " + std::to_string(*options.time_seconds) + " s";
  } else {
    budget = std::to_string(*options.runs) + " schedule(s) per implementation and suite";
  }
  if (options.shard_count > 1) {
    budget += fmt::format(", shard {}/{}{}", options.shard_index, options.shard_count,
                          shard_source.empty() ? "" : " (from " + shard_source + ")");
  }
  if (!options.rule_filter.empty()) {
    budget += ", rules " + options.rule_filter.to_text();
  }
  std::printf("lockstep run: seed %llu, strategy %s, %s\n",
              static_cast<unsigned long long>(options.seed), options.strategy.to_text().c_str(),
              budget.c_str());
  std::fflush(stdout);

  std::vector<std::string> report_names;
  std::size_t name_width = 0;
  for (std::size_t position = 0; position < options.implementations.size(); ++position) {
    report_names.push_back(options.labels[position] ? options.labels[position]->name
                                                    : options.implementations[position]->name);
    name_width = std::max(name_width, std::min(report_names.back().size(), kNameColumnMax));
  }
  runner::install_interrupt_handlers(/*second_signal_kills=*/true);
  runner::RerunOutcome reruns;
  if (settings.rerun_failed) {
    reruns = runner::rerun_known_failures(options, report_names, options.report_directory);
    for (const std::string& note : reruns.notes) {
      std::fprintf(stderr, "lockstep: %s\n", note.c_str());
    }
    std::printf("re-ran %zu known failure(s) from %s/%s\n", reruns.reruns.size(),
                options.report_directory.c_str(), runner::kKnownFailuresDirectory);
    for (const reports::Rerun& rerun : reruns.reruns) {
      std::fputs(fmt::format("  {:<11} {} ({}): {}\n", rerun.result, rerun.file, rerun.rule,
                             rerun.explanation)
                     .c_str(),
                 stdout);
    }
    std::fflush(stdout);
  }

  std::optional<std::uint64_t> total;
  if (!options.time_seconds) {
    total = 0;
    for (const auto* implementation : options.implementations) {
      for (const auto& suite : conformance::suites()) {
        if (suite_selected(options, suite) && suite.applies(*implementation)) {
          *total += options.only_schedule
                        ? 1
                        : (*options.runs + options.shard_count - options.shard_index) /
                              options.shard_count;
        }
      }
    }
  }
  const Terminal terminal = Terminal::detect();
  ProgressDisplay display(terminal, total, options.time_seconds);
  CommandLineObserver observer(display, terminal, name_width, options.verdict_policy);
  runner::RunOutcome result = runner::run_schedules(options, observer);
  if (!result.report) {
    std::fprintf(stderr, "lockstep: %s\n", result.error.c_str());
    return result.nondeterministic ? kExitNondeterminism : kExitUsage;
  }
  reports::RunReport& report = *result.report;
  report.reruns = reruns.reruns;
  std::printf("run digest %016llx\n", static_cast<unsigned long long>(report.run_digest));
  print_failures(report, options);
  if (!options.report_directory.empty()) {
    if (!runner::write_report_directory(report, options.report_directory, error) ||
        !runner::remember_failures(report, options.report_directory, error)) {
      return usage(error);
    }
    if (settings.annotations == "sarif") {
      const std::string path =
          (std::filesystem::path(options.report_directory) / "lockstep.sarif").string();
      if (!reports::write_file_atomically(path, reports::sarif_log(report), error)) {
        return usage(error);
      }
    }
    std::printf("report written to %s/report.json (and junit.xml, index.html%s)\n",
                options.report_directory.c_str(),
                settings.annotations == "sarif" ? ", lockstep.sarif" : "");
  }
  if (settings.annotations == "github") {
    std::fputs(reports::github_annotations(report).c_str(), stdout);
  }
  std::fputs(self_check_line(report, terminal).c_str(), stdout);
  if (report.stopped_at_max_failures) {
    std::printf(
        "stopped after %llu unexpected failure(s) (--max-failures): the report covers "
        "the schedules that finished\n",
        static_cast<unsigned long long>(options.max_failures));
  }
  if (result.interrupt_signal != 0) {
    std::printf("interrupted by %s: the report covers the schedules that finished\n",
                runner::interrupt_signal_name(result.interrupt_signal));
    // A finding before the interruption is still a finding; otherwise say that the run did not
    // finish, the way shells report a signal. A mutant not caught yet has not escaped: its
    // schedules were cut short.
    bool unexpected = !report.verdict_passed();
    if (report.verdict_policy == "self-check") {
      unexpected = false;
      for (const reports::ImplementationReport& entry : report.implementations) {
        unexpected = unexpected || (!entry.expectation_held() && entry.outcome() != "escaped");
      }
      for (const reports::Rerun& rerun : report.reruns) {
        unexpected = unexpected || (rerun.result == "still-fails" && !rerun.expected);
      }
    }
    return unexpected ? kExitViolation : 128 + result.interrupt_signal;
  }
  return report.verdict_passed() ? kExitPass : kExitViolation;
}

}  // namespace lockstep::cli
