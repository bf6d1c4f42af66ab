// The run command's checks, banner, per-implementation lines and verdict.
#include "runner/cli/run_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/registry/suites.h"
#include "reports/atomic_file.h"
#include "reports/ci_annotations.h"
#include "reports/sha256.h"
#include "reports/shell_command.h"
#include "runner/cli/exit_codes.h"
#include "runner/cli/invocation.h"
#include "runner/cli/progress_display.h"
#include "runner/cli/shard_environment.h"
#include "runner/failure_database.h"
#include "runner/interrupt_signals.h"
#include "runner/isolated_schedule.h"
#include "runner/report_directory.h"
#include "runner/suite_rules.h"

namespace lockstep::cli {

namespace {

constexpr std::size_t kNameColumnMax = 40;  // longer names push their line's columns right

// The expectation note of an implementation line, and whether it is bad news.
std::pair<std::string, bool> expectation_note(const reports::RunReport& report,
                                              const reports::ImplementationReport& entry) {
  const std::string outcome = entry.outcome();
  if (outcome == "expected-fail") {
    return {"(expected: mutant caught on " + entry.expected_rule + ")", false};
  }
  if (outcome == "escaped") {
    return {"(UNEXPECTED: mutant not caught on " + entry.expected_rule + ")",
            report.verdict_policy == "self-check"};
  }
  if (outcome == "caught-on-other-rule") {
    return {"(UNEXPECTED: mutant caught, but not on " + entry.expected_rule + ")",
            report.verdict_policy == "self-check"};
  }
  if (outcome == "not-judged") {
    return {"(not judged: --rule leaves out " + entry.expected_rule + ")", false};
  }
  if (outcome == "fail" && entry.expectation == reports::Expectation::pass) {
    return {"(UNEXPECTED: expected to pass)", true};
  }
  return {"", outcome == "fail"};
}

class CommandLineObserver final : public runner::RunObserver {
 public:
  CommandLineObserver(ProgressDisplay& display, const Terminal& terminal, std::size_t name_width,
                      const std::string& verdict_policy)
      : display_(display),
        terminal_(terminal),
        name_width_(name_width),
        verdict_policy_(verdict_policy) {}

  void schedule_finished(bool failed) override { display_.schedule_finished(failed); }
  void tick() override { display_.tick(); }
  void schedules_finished() override { display_.finish(); }
  void implementation_done(const reports::ImplementationReport& entry) override {
    display_.print_line(line_of(entry));
  }
  void shrinks_started(std::size_t count, std::uint64_t budget) override {
    display_.print_line(
        fmt::format("shrinking {} failure(s), the first of each rule, at most {} schedules each\n",
                    count, budget));
    display_.start_shrinks(count);
  }
  void shrink_finished(const std::string& stem, const std::string& note) override {
    if (!note.empty()) {
      std::fflush(stdout);
      std::fprintf(stderr, "lockstep: %s: %s\n", stem.c_str(), note.c_str());
    }
    display_.shrink_done();
  }
  void shrinks_finished(std::size_t shrunk, std::size_t count) override {
    display_.print_line(fmt::format("shrunk {} of {} failure(s)\n", shrunk, count));
  }

 private:
  std::string line_of(const reports::ImplementationReport& entry) const {
    std::string rules;
    for (const auto& [rule, count] : entry.violations_by_rule) {
      rules += fmt::format("{}{}x{}", rules.empty() ? "" : " ", rule, count);
    }
    reports::RunReport policy;
    policy.verdict_policy = verdict_policy_;
    const auto [note, bad] = expectation_note(policy, entry);
    std::string status = entry.schedules == 0 ? "n/a " : (entry.passed() ? "PASS" : "FAIL");
    if (entry.schedules > 0) {
      status = entry.passed() ? (bad ? terminal_.red(status) : terminal_.green(status))
                              : (bad ? terminal_.red(status) : terminal_.yellow(status));
    }
    if (entry.schedules == 0) {
      return fmt::format("  {:<{}} {}  no selected suite applies\n", entry.name, name_width_,
                         status);
    }
    return fmt::format("  {:<{}} {} {:>7} schedules, {:>6} failed{}{}{}\n", entry.name, name_width_,
                       status, entry.schedules, entry.failed_schedules,
                       rules.empty() ? "" : "  violations: ", rules,
                       note.empty() ? "" : "  " + (bad ? terminal_.red(note) : note));
  }

  ProgressDisplay& display_;
  const Terminal& terminal_;
  std::size_t name_width_;
  std::string verdict_policy_;
};

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

bool is_outcome_name(const std::string& name) {
  static const char* const kOutcomes[] = {"deadlock",
                                          "step-budget-exhausted",
                                          "time-budget-exhausted",
                                          "fiber-exception",
                                          "event-exception",
                                          "replay-diverged",
                                          "hang",
                                          "memory-exceeded",
                                          "isolation-failed"};
  for (const char* outcome : kOutcomes) {
    if (name == outcome) {
      return true;
    }
  }
  return name.rfind("crash-SIG", 0) == 0;
}

// Report names: a plugin by its table's name (by "<name>@<file>" when two share a name).
std::vector<std::optional<runner::ImplementationLabel>> labels_of(
    const std::vector<const conformance::Implementation*>& implementations,
    const runner::ImplementationResolver& resolver, std::string& error) {
  std::vector<std::optional<runner::ImplementationLabel>> labels;
  std::vector<std::string> names;
  for (const conformance::Implementation* implementation : implementations) {
    const harness::LoadedPlugin* plugin = resolver.plugin_of(*implementation);
    if (plugin == nullptr) {
      labels.emplace_back();
      names.push_back(implementation->name);
      continue;
    }
    const std::optional<std::string> sha256 = reports::sha256_of_file(plugin->path(), error);
    if (!sha256) {
      return {};
    }
    labels.push_back(runner::ImplementationLabel{
        plugin->name(), reports::LibraryIdentity{plugin->path(), *sha256, plugin->version()}});
    names.push_back(plugin->name());
  }
  for (std::size_t position = 0; position < labels.size(); ++position) {
    if (labels[position] && std::count(names.begin(), names.end(), names[position]) > 1) {
      labels[position]->name +=
          "@" + std::filesystem::path(labels[position]->library->path).filename().string();
    }
  }
  return labels;
}

bool suite_selected(const runner::RunOptions& options, const conformance::Suite& suite) {
  const bool named =
      options.suites.empty() ||
      std::find(options.suites.begin(), options.suites.end(), suite.name) != options.suites.end();
  return named && (options.rule_filter.empty() ||
                   !runner::rules_selected(suite.rules, options.rule_filter).empty());
}

std::string self_check_line(const reports::RunReport& report, const Terminal& terminal) {
  std::size_t passed = 0;
  std::size_t caught = 0;
  std::size_t other = 0;
  std::size_t held = 0;
  std::vector<std::string> broken;
  for (const reports::ImplementationReport& entry : report.implementations) {
    const std::string outcome = entry.outcome();
    passed += outcome == "pass" ? 1 : 0;
    caught += outcome == "expected-fail" ? 1 : 0;
    other += outcome == "not-applicable" || outcome == "not-judged" ? 1 : 0;
    if (entry.expectation_held()) {
      ++held;
    } else {
      broken.push_back(entry.name + " (" + outcome + ")");
    }
  }
  for (const reports::Rerun& rerun : report.reruns) {
    if (rerun.result == "still-fails" && !rerun.expected) {
      broken.push_back(rerun.file + " still fails");
    }
  }
  if (report.verdict_policy == "plain") {
    std::size_t failing = 0;
    for (const reports::ImplementationReport& entry : report.implementations) {
      failing += entry.passed() ? 0 : 1;
    }
    return fmt::format("verdict (plain): {}, {} of {} implementation(s) broke a rule\n",
                       report.all_passed() ? terminal.green("PASS") : terminal.red("FAIL"), failing,
                       report.implementations.size());
  }
  std::string detail = fmt::format("{} passed", passed);
  if (caught > 0) {
    detail += fmt::format(", {} mutant(s) caught on their declared rule", caught);
  }
  if (other > 0) {
    detail += fmt::format(", {} not judged or not applicable", other);
  }
  std::string line = fmt::format("self-check: {}, {} of {} implementation(s) as expected ({})\n",
                                 broken.empty() ? terminal.green("PASS") : terminal.red("FAIL"),
                                 held, report.implementations.size(), detail);
  for (const std::string& item : broken) {
    line += "  not as expected: " + item + "\n";
  }
  return line;
}

// Prints the first kept failure of each implementation with the commands that reproduce it.
void print_failures(const reports::RunReport& report, const runner::RunOptions& options) {
  for (std::size_t position = 0; position < report.implementations.size(); ++position) {
    const reports::ImplementationReport& entry = report.implementations[position];
    if (entry.failures.empty()) {
      continue;
    }
    const reports::Failure& failure = entry.failures.front();
    std::printf("  %s: %s\n    reproduce: %s\n", entry.name.c_str(), failure.explanation.c_str(),
                failure.reproduce.c_str());
    if (failure.shrunk()) {
      std::printf("    shrunk (%llu -> %llu decisions): %s\n",
                  static_cast<unsigned long long>(failure.decisions),
                  static_cast<unsigned long long>(failure.shrunk_decisions),
                  failure.shrunk_reproduce.c_str());
    }
    if (!failure.reproduce_token.empty() && !options.report_directory.empty()) {
      std::vector<std::string> words = {"replay", failure.reproduce_token};
      if (entry.library) {
        words.insert(words.end(), {"--impl", entry.library->path});
      }
      std::printf("    without the file: %s\n", runner::command_line(options, words).c_str());
    }
  }
}

}  // namespace

bool select_implementations(const std::vector<std::string>& arguments,
                            runner::ImplementationResolver& resolver,
                            std::vector<const conformance::Implementation*>& selected,
                            std::string& error) {
  const std::vector<conformance::Implementation>& bundled = conformance::bundled_implementations();
  if (arguments.empty()) {
    for (const conformance::Implementation& implementation : bundled) {
      selected.push_back(&implementation);
    }
    return true;
  }
  std::vector<std::string> patterns;
  for (const std::string& argument : arguments) {
    if (!runner::ImplementationResolver::looks_like_plugin_path(argument) ||
        runner::NameFilter::has_wildcard(argument)) {
      patterns.push_back(argument);
    }
  }
  const std::optional<runner::NameFilter> filter = runner::NameFilter::parse(patterns, error);
  if (!filter) {
    error = "--impl " + error;
    return false;
  }
  const bool only_negative = !patterns.empty() && filter->positive().empty();
  const auto add = [&](const conformance::Implementation* implementation) {
    if (filter->matches(implementation->name)) {
      selected.push_back(implementation);
    }
  };
  if (only_negative) {
    for (const conformance::Implementation& implementation : bundled) {
      add(&implementation);
    }
  }
  for (const std::string& argument : arguments) {
    if (runner::ImplementationResolver::looks_like_plugin_path(argument) &&
        !runner::NameFilter::has_wildcard(argument)) {
      const conformance::Implementation* plugin = resolver.resolve(argument, error);
      if (plugin == nullptr) {
        return false;
      }
      selected.push_back(plugin);
      continue;
    }
    std::optional<runner::NameFilter> own = runner::NameFilter::parse({argument}, error);
    for (const std::string& pattern : own->positive()) {
      if (!runner::NameFilter::has_wildcard(pattern)) {
        const conformance::Implementation* named = resolver.resolve(pattern, error);
        if (named == nullptr) {
          return false;
        }
        add(named);
        continue;
      }
      bool matched = false;
      for (const conformance::Implementation& implementation : bundled) {
        if (runner::NameFilter::glob_matches(pattern, implementation.name)) {
          matched = true;
          if (std::find(selected.begin(), selected.end(), &implementation) == selected.end()) {
            add(&implementation);
          }
        }
      }
      if (!matched) {
        error = "--impl pattern '" + pattern +
                "' matches no bundled implementation (see "
                "lockstep list)";
        return false;
      }
    }
  }
  if (selected.empty()) {
    error = "--impl " + filter->to_text() + " leaves no implementation to run";
    return false;
  }
  return true;
}

bool select_suites(const std::vector<std::string>& arguments, std::vector<std::string>& suites,
                   std::string& error) {
  const std::optional<runner::NameFilter> filter = runner::NameFilter::parse(arguments, error);
  if (!filter) {
    error = "--suite " + error;
    return false;
  }
  if (filter->empty()) {
    return true;
  }
  for (const std::string& name : filter->exact_names()) {
    if (conformance::find_suite(name) == nullptr) {
      error = "unknown suite '" + name + "' (see lockstep list)";
      return false;
    }
  }
  for (const conformance::Suite& suite : conformance::suites()) {
    if (filter->matches(suite.name)) {
      suites.push_back(suite.name);
    }
  }
  if (suites.empty()) {
    error = "--suite " + filter->to_text() + " matches no suite (see lockstep list)";
    return false;
  }
  return true;
}

std::optional<runner::NameFilter> parse_rule_filter(const std::vector<std::string>& arguments,
                                                    std::string& error) {
  std::optional<runner::NameFilter> filter = runner::NameFilter::parse(arguments, error);
  if (!filter) {
    error = "--rule " + error;
    return std::nullopt;
  }
  for (const std::string& name : filter->exact_names()) {
    if (conformance::find_rule(name) == nullptr && !is_outcome_name(name)) {
      error = "unknown rule '" + name +
              "' (see lockstep list; outcomes such as deadlock or "
              "hang count too)";
      return std::nullopt;
    }
  }
  return filter;
}

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
    // finish, the way shells report a signal.
    return report.verdict_passed() ? 128 + result.interrupt_signal : kExitViolation;
  }
  return report.verdict_passed() ? kExitPass : kExitViolation;
}

}  // namespace lockstep::cli
