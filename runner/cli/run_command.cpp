// The run command's checks, banner, per-implementation lines and verdict.
#include "runner/cli/run_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>

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

// A whole number from 0 to 2^64 - 1, digits only: no sign, no wrap-around.
std::optional<std::uint64_t> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 20 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char digit : text) {
    const auto next = static_cast<std::uint64_t>(digit - '0');
    if (value > (UINT64_MAX - next) / 10) {
      return std::nullopt;
    }
    value = value * 10 + next;
  }
  return value;
}

// "I/N" with 1 <= I <= N: the shard owns schedule indices i with i % N == I - 1.
bool parse_shard(const std::string& text, runner::RunOptions& options) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) {
    return false;
  }
  const std::optional<std::uint64_t> index = parse_count(text.substr(0, slash));
  const std::optional<std::uint64_t> count = parse_count(text.substr(slash + 1));
  if (!index || !count) {
    return false;
  }
  options.shard_index = *index;
  options.shard_count = *count;
  return options.shard_index >= 1 && options.shard_index <= options.shard_count;
}

// What the schedules exercised: with `table`, every probe's count per implementation and suite;
// always, one line per suite with probes no schedule reached. Returns how many such probes.
std::size_t print_coverage(const reports::RunReport& report, bool table) {
  std::size_t gaps = 0;
  for (const auto& entry : report.implementations) {
    for (const auto& suite : entry.suites) {
      if (table && !suite.probes.empty()) {
        std::printf("  coverage of %s, suite %s (schedules that reached each probe):\n",
                    entry.name.c_str(), suite.name.c_str());
        for (const auto& [probe, count] : suite.probes) {
          std::printf("    %-44s %s\n", probe.c_str(),
                      count == 0 ? "not reached" : std::to_string(count).c_str());
        }
      }
      const std::vector<std::string> unreached = suite.unreached_probes();
      if (unreached.empty()) {
        continue;
      }
      gaps += unreached.size();
      std::string names;
      for (const std::string& probe : unreached) {
        names += (names.empty() ? "" : ", ") + probe;
      }
      std::printf("  warning: %s, suite %s: no schedule reached %s\n", entry.name.c_str(),
                  suite.name.c_str(), names.c_str());
    }
  }
  return gaps;
}

// The stateful properties: a line per property for a single implementation, else one line per
// failure a run did not expect; then the totals.
void print_properties(const reports::RunReport& report) {
  std::uint64_t checks = 0;
  std::uint64_t held = 0;
  std::uint64_t failed = 0;
  std::uint64_t expected = 0;
  const bool each = report.implementations.size() == 1;
  for (const auto& entry : report.implementations) {
    for (const reports::PropertyRun& property : entry.properties) {
      ++checks;
      held += property.verdict == "held" ? 1 : 0;
      const bool expected_failure = property.failed() &&
                                    entry.expectation == reports::Expectation::caught &&
                                    property.broke(entry.expected_rule);
      failed += property.failed() ? 1 : 0;
      expected += expected_failure ? 1 : 0;
      if (!each && (!property.failed() || expected_failure)) {
        continue;
      }
      std::string rules;
      for (const std::string& rule : property.rules_broken) {
        rules += (rules.empty() ? "" : ", ") + rule;
      }
      std::printf("  %s: property '%s' %s%s after %llu case(s)%s%s\n", entry.name.c_str(),
                  property.name.c_str(), property.verdict.c_str(),
                  rules.empty() ? "" : (" on " + rules).c_str(),
                  static_cast<unsigned long long>(property.cases),
                  property.case_file.empty() ? "" : ", shrunk case: ",
                  property.case_file.c_str());
      if (property.failed() && !property.reproduce.empty()) {
        std::printf("    RC_PARAMS=\"%s\"\n", property.reproduce.c_str());
      }
    }
  }
  if (checks > 0) {
    std::printf("properties: %llu check(s), %llu held, %llu failed (%llu expected of mutants)\n",
                static_cast<unsigned long long>(checks), static_cast<unsigned long long>(held),
                static_cast<unsigned long long>(failed), static_cast<unsigned long long>(expected));
  }
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
  const std::optional<std::uint64_t> seed = parse_count(settings.seed_text);
  if (!seed) {
    return usage(fmt::format("--seed '{}' is not a whole number from 0 to {}", settings.seed_text,
                             UINT64_MAX));
  }
  options.seed = *seed;
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
  for (std::size_t position = 0; position < options.implementations.size(); ++position) {
    const conformance::Implementation* implementation = options.implementations[position];
    if (std::count(options.implementations.begin(), options.implementations.end(), implementation) >
        1) {
      return usage("--impl '" + implementation->name + "' is given twice (each runs once)");
    }
  }
  // Plugins are loaded in each worker process, never here.
  options.worker_setup = [&resolver] { return resolver.load_plugins_here(); };
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
          const std::uint64_t first = options.shard_index - 1;
          *total += options.only_schedule   ? 1
                    : *options.runs > first ? (*options.runs - first - 1) / options.shard_count + 1
                                            : 0;
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
    return kExitUsage;
  }
  if (result.nondeterministic) {
    std::fprintf(stderr, "lockstep: %s\n", result.error.c_str());
  }
  reports::RunReport& report = *result.report;
  report.reruns = reruns.reruns;
  std::printf("run digest %016llx\n", static_cast<unsigned long long>(report.run_digest));
  print_failures(report, options);
  print_properties(report);
  const std::size_t gaps =
      print_coverage(report, settings.show_coverage || report.implementations.size() == 1);
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
    // finish, the way shells report a signal. A mutant not caught yet has not escaped, and an
    // implementation not finished is not a finding: their schedules were cut short.
    if (result.nondeterministic) {
      return kExitNondeterminism;
    }
    bool unexpected = report.verdict() == "fail";
    if (report.verdict_policy == "self-check") {
      unexpected = false;
      for (const reports::ImplementationReport& entry : report.implementations) {
        const std::string outcome = entry.outcome();
        unexpected = unexpected ||
                     (!entry.expectation_held() && outcome != "escaped" && outcome != "incomplete");
      }
      for (const reports::Rerun& rerun : report.reruns) {
        unexpected = unexpected || (rerun.result == "still-fails" && !rerun.expected);
      }
    }
    return unexpected ? kExitViolation : 128 + result.interrupt_signal;
  }
  if (result.nondeterministic) {
    return kExitNondeterminism;  // the report was written, the failure marked not reproduced
  }
  if (settings.require_coverage && gaps > 0) {
    std::printf("coverage required: %zu probe(s) of applicable suites reached by no schedule\n",
                gaps);
    return kExitViolation;
  }
  return report.verdict_passed() ? kExitPass : kExitViolation;
}

}  // namespace lockstep::cli
