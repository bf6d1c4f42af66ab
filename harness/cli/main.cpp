// The `lockstep` command (DESIGN.md's command line). Exit codes: 0 every rule holds, 1 a
// violation was found (or, for replay, reproduced), 2 bad usage or input, 3 nondeterminism.
// Every error is one line on stderr.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/registry/suites.h"
#include "harness/cli/implementation_resolver.h"
#include "harness/cli/interrupt_signals.h"
#include "harness/cli/merge_command.h"
#include "harness/cli/replay_command.h"
#include "harness/cli/report_directory.h"
#include "harness/cli/run_command.h"
#include "reports/run_report.h"

namespace {

using lockstep::cli::kExitPass;
using lockstep::cli::kExitUsage;
using lockstep::cli::kExitViolation;

// `lockstep list --impl PATH`: what a plugin provides and which suites apply to it.
int list_plugins(const std::vector<std::string>& arguments) {
  lockstep::cli::ImplementationResolver resolver;
  for (const std::string& argument : arguments) {
    std::string error;
    const auto* implementation = resolver.resolve(argument, error);
    if (implementation == nullptr) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    std::printf("%s: %s\n", implementation->name.c_str(), implementation->description.c_str());
    const lockstep_implementation& table = *implementation->table;
    std::printf("  channel:         %s\n", table.channel != nullptr ? "provided" : "not provided");
    std::printf("  WsAsyncExecute:  %s\n",
                table.async_execute != nullptr ? "provided" : "not provided");
    std::printf("  service host:    %s\n",
                table.service_host != nullptr ? "provided" : "not provided");
    std::printf("  suites:");
    bool any = false;
    for (const auto& suite : lockstep::conformance::suites()) {
      if (suite.applies(*implementation)) {
        std::printf(" %s", suite.name.c_str());
        any = true;
      }
    }
    std::printf("%s\n", any ? "" : " none apply");
  }
  return kExitPass;
}

int list_command(const std::string& format) {
  const auto& implementations = lockstep::conformance::bundled_implementations();
  const auto& suites = lockstep::conformance::suites();
  const auto& rules = lockstep::conformance::rule_catalogue();
  if (format == "json") {
    nlohmann::ordered_json document;
    document["implementations"] = nlohmann::ordered_json::array();
    for (const auto& implementation : implementations) {
      nlohmann::ordered_json entry = {{"name", implementation.name}, {"kind", implementation.kind}};
      if (!implementation.breaks.empty()) {
        entry["breaks"] = implementation.breaks;
        entry["bug_class"] = implementation.bug_class;
        entry["part"] = implementation.defective_part;
      }
      entry["description"] = implementation.description;
      document["implementations"].push_back(entry);
    }
    document["suites"] = nlohmann::ordered_json::array();
    for (const auto& suite : suites) {
      document["suites"].push_back(
          {{"name", suite.name}, {"description", suite.description}, {"rules", suite.rules}});
    }
    document["rules"] = nlohmann::ordered_json::array();
    for (const auto& rule : rules) {
      document["rules"].push_back(
          {{"id", rule.id},
           {"family", rule.family},
           {"title", rule.title},
           {"source", rule.source},
           {"checked_by", lockstep::conformance::suites_checking(rule.id)}});
    }
    std::printf("%s\n", document.dump(2).c_str());
    return kExitPass;
  }
  std::printf("implementations:\n");
  for (const auto& implementation : implementations) {
    std::printf("  %-34s %-9s %-5s %s\n", implementation.name.c_str(), implementation.kind.c_str(),
                implementation.breaks.empty() ? "-" : implementation.breaks.c_str(),
                implementation.description.c_str());
  }
  std::printf("suites:\n");
  for (const auto& suite : suites) {
    std::printf("  %-34s %s\n", suite.name.c_str(), suite.description.c_str());
  }
  std::printf("rules:\n");
  for (const auto& rule : rules) {
    const bool checked = !lockstep::conformance::suites_checking(rule.id).empty();
    std::printf("  %-5s %-26s %s%s\n", std::string(rule.id).c_str(),
                std::string(rule.family).c_str(), std::string(rule.title).c_str(),
                checked ? "" : "  [not checked by any suite]");
  }
  return kExitPass;
}

int explain_command(const std::string& id) {
  const lockstep::conformance::Rule* rule = lockstep::conformance::find_rule(id);
  if (rule == nullptr) {
    std::fprintf(stderr, "lockstep: unknown rule '%s' (see lockstep list)\n", id.c_str());
    return kExitUsage;
  }
  std::printf("%s (%s): %s\n\n%s\n\nSource: %s\n", std::string(rule->id).c_str(),
              std::string(rule->family).c_str(), std::string(rule->title).c_str(),
              std::string(rule->text).c_str(), std::string(rule->source).c_str());
  std::string checked_by;
  for (const std::string& suite : lockstep::conformance::suites_checking(rule->id)) {
    checked_by += (checked_by.empty() ? "" : ", ") + suite;
  }
  std::printf("Checked by: %s\n",
              checked_by.empty() ? "no suite (not checked)" : checked_by.c_str());
  return kExitPass;
}

std::string implementation_line(const lockstep::reports::ImplementationReport& entry) {
  std::string rules;
  for (const auto& [rule, count] : entry.violations_by_rule) {
    rules += (rules.empty() ? "" : " ") + rule + "x" + std::to_string(count);
  }
  std::string expectation;
  if (!entry.expected_rule.empty() && entry.schedules > 0) {
    expectation = entry.caught_as_declared() ? "  (mutant caught on " + entry.expected_rule + ")"
                                             : "  (MISSED: declared " + entry.expected_rule + ")";
  }
  char line[512];
  std::snprintf(line, sizeof(line), "  %-34s %-4s %6llu schedules, %6llu failed%s%s%s\n",
                entry.name.c_str(),
                entry.schedules == 0 ? "n/a" : (entry.passed() ? "PASS" : "FAIL"),
                static_cast<unsigned long long>(entry.schedules),
                static_cast<unsigned long long>(entry.failed_schedules),
                rules.empty() ? "" : "  violations: ", rules.c_str(), expectation.c_str());
  return line;
}

// "I/N" with 1 <= I <= N: the shard owns schedule indices i with i % N == I - 1.
bool parse_shard(const std::string& text, lockstep::cli::RunOptions& options) {
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

struct RunSettings {
  std::vector<std::string> names;
  std::string strategy_text = "random";
  std::string shard_text;
  bool time_given = false;
  bool schedule_given = false;
  std::uint64_t runs = 1000;
  std::uint64_t time_seconds = 0;
  std::uint64_t schedule = 0;
};

int run_command(lockstep::cli::RunOptions& options, const RunSettings& settings,
                lockstep::cli::ImplementationResolver& resolver) {
  std::string error;
  const auto strategy = lockstep::parse_strategy_spec(settings.strategy_text, error);
  if (!strategy) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  options.strategy = *strategy;
  if (!settings.shard_text.empty() && !parse_shard(settings.shard_text, options)) {
    std::fprintf(stderr, "lockstep: --shard '%s' is not I/N with 1 <= I <= N\n",
                 settings.shard_text.c_str());
    return kExitUsage;
  }
  if (settings.schedule_given) {
    if (options.shard_count > 1) {
      std::fprintf(stderr, "lockstep: --schedule re-runs one schedule; it takes no --shard\n");
      return kExitUsage;
    }
    options.only_schedule = settings.schedule;
  } else if (settings.time_given) {
    options.time_seconds = settings.time_seconds;
  } else {
    options.runs = settings.runs;
  }
  for (const std::string& suite : options.suites) {
    if (lockstep::conformance::find_suite(suite) == nullptr) {
      std::fprintf(stderr, "lockstep: unknown suite '%s' (see lockstep list)\n", suite.c_str());
      return kExitUsage;
    }
  }
  if (settings.names.empty()) {
    for (const auto& implementation : lockstep::conformance::bundled_implementations()) {
      options.implementations.push_back(&implementation);
    }
  }
  for (const std::string& name : settings.names) {
    const auto* implementation = resolver.resolve(name, error);
    if (implementation == nullptr) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    options.implementations.push_back(implementation);
    if (implementation->kind == "plugin") {
      options.isolate = true;  // a third party's code runs where it cannot take the run down
    }
  }
  if (!options.report_directory.empty() &&
      !lockstep::cli::prepare_report_directory(options.report_directory, error)) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
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
    budget += ", shard " + std::to_string(options.shard_index) + "/" +
              std::to_string(options.shard_count);
  }
  std::printf("lockstep run: seed %llu, strategy %s, %s\n",
              static_cast<unsigned long long>(options.seed), options.strategy.to_text().c_str(),
              budget.c_str());
  std::fflush(stdout);

  lockstep::cli::install_interrupt_handlers(/*second_signal_kills=*/true);
  std::optional<std::uint64_t> total;
  if (!options.time_seconds) {
    total = 0;
    for (const auto* implementation : options.implementations) {
      for (const auto& suite : lockstep::conformance::suites()) {
        const bool selected = options.suites.empty() ||
                              std::find(options.suites.begin(), options.suites.end(), suite.name) !=
                                  options.suites.end();
        if (selected && suite.applies(*implementation)) {
          *total += options.only_schedule
                        ? 1
                        : (*options.runs + options.shard_count - options.shard_index) /
                              options.shard_count;
        }
      }
    }
  }
  lockstep::cli::ProgressDisplay display(isatty(STDOUT_FILENO) != 0, total, options.time_seconds);
  const lockstep::cli::RunResult result = lockstep::cli::run_schedules(
      options, display, [&](const lockstep::reports::ImplementationReport& entry) {
        display.print_line(implementation_line(entry));
      });
  if (!result.report) {
    std::fprintf(stderr, "lockstep: %s\n", result.error.c_str());
    return result.nondeterministic ? lockstep::cli::kExitNondeterminism : kExitUsage;
  }
  const lockstep::reports::RunReport& report = *result.report;
  std::printf("run digest %016llx\n", static_cast<unsigned long long>(report.run_digest));
  for (const auto& entry : report.implementations) {
    if (!entry.failures.empty()) {
      const lockstep::reports::Failure& failure = entry.failures.front();
      std::printf("  %s: %s\n    reproduce: %s\n", entry.name.c_str(), failure.explanation.c_str(),
                  failure.reproduce.c_str());
      if (failure.shrunk()) {
        std::printf("    shrunk (%llu -> %llu decisions): %s\n",
                    static_cast<unsigned long long>(failure.decisions),
                    static_cast<unsigned long long>(failure.shrunk_decisions),
                    failure.shrunk_reproduce.c_str());
      }
    }
  }
  if (!options.report_directory.empty()) {
    if (!lockstep::cli::write_report_directory(report, options.report_directory, error)) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    std::printf("report written to %s/report.json (and junit.xml, index.html)\n",
                options.report_directory.c_str());
  }
  if (result.interrupt_signal != 0) {
    std::printf("interrupted by %s: the report covers the schedules that finished\n",
                lockstep::cli::interrupt_signal_name(result.interrupt_signal));
    // A violation found before the interruption is still a finding; otherwise say that the
    // run did not finish, the way shells report a signal.
    return report.all_passed() ? 128 + result.interrupt_signal : kExitViolation;
  }
  return report.all_passed() ? kExitPass : kExitViolation;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "lockstep: deterministic simulation and conformance harness for the WWSAPI async "
      "model"};
  app.require_subcommand(1);

  std::string list_format = "text";
  std::vector<std::string> listed_plugins;
  CLI::App* list = app.add_subcommand("list", "implementations, suites and rules");
  list->add_option("--format", list_format, "text or json")->check(CLI::IsMember({"text", "json"}));
  list->add_option("--impl", listed_plugins, "a plugin library: show what it provides");

  std::string explained_rule;
  CLI::App* explain = app.add_subcommand("explain", "a rule's text and source");
  explain->add_option("RULE", explained_rule, "rule id, e.g. AM3")->required();

  lockstep::cli::RunOptions run_options;
  RunSettings run_settings;
  CLI::App* run = app.add_subcommand("run", "run the suites over implementations");
  run->add_option("--impl", run_settings.names, "implementation name (repeatable)");
  run->add_option("--suite", run_options.suites, "suite name (repeatable)");
  auto* runs_option =
      run->add_option("--runs", run_settings.runs, "schedules per suite (default 1000)")
          ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  auto* time_option = run->add_option("--time", run_settings.time_seconds,
                                      "run schedules until SEC wall-clock seconds have passed")
                          ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{7 * 24 * 3600}));
  run->add_option("--seed", run_options.seed, "the run's root seed");
  run->add_option("--strategy", run_settings.strategy_text, "random | pct | pct:DEPTH");
  auto* schedule_option =
      run->add_option("--schedule", run_settings.schedule, "re-run only schedule I of the run");
  schedule_option->excludes(runs_option);
  schedule_option->excludes(time_option);
  time_option->excludes(runs_option);
  run->add_option("--shard", run_settings.shard_text,
                  "I/N: run only schedule indices i with i % N == I - 1 (1 <= I <= N)");
  run->add_flag("--isolate", run_options.isolate,
                "run each schedule in a child process (always on for plugins)");
  run->add_option("--timeout-ms", run_options.schedule_timeout_ms,
                  "wall-clock limit of an isolated schedule (default 10000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{3'600'000}));
  run->add_option("--jobs", run_options.jobs, "worker processes (the report is the same for any)")
      ->check(CLI::Range(1u, 256u));
  run->add_option("--report", run_options.report_directory,
                  "write DIR/report.json, junit.xml, index.html and failures/");
  run->add_option("--shrink-runs", run_options.shrink_runs,
                  "with --report: shrink the first failure of each rule with at most N edited "
                  "schedules (default " +
                      std::to_string(lockstep::cli::kDefaultShrinkRuns) + "; 0: no shrinking)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000}));

  lockstep::cli::ReplayOptions replay_options;
  CLI::App* replay = app.add_subcommand("replay", "re-execute a failing schedule");
  replay->add_option("FILE", replay_options.replay_path, "a .replay file")->required();
  replay->add_option("--trace", replay_options.chrome_trace_path, "write a Chrome trace here");
  replay->add_flag("--verbose", replay_options.verbose, "show every scheduler step");
  replay
      ->add_option("--timeout-ms", replay_options.schedule_timeout_ms,
                   "wall-clock limit when the schedule is replayed in a child process")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{3'600'000}));

  lockstep::cli::ShrinkOptions shrink_options;
  CLI::App* shrink = app.add_subcommand("shrink", "minimise a failing schedule");
  shrink->add_option("FILE", shrink_options.replay_path, "a .replay file")->required();
  shrink->add_option("-o", shrink_options.output_path, "where to write the shrunk replay");
  shrink
      ->add_option("--runs", shrink_options.max_runs,
                   "edited schedules to try at most (default 2000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));

  lockstep::cli::MergeOptions merge_options;
  CLI::App* report = app.add_subcommand("report", "work with report directories");
  report->require_subcommand(1);
  CLI::App* merge = report->add_subcommand("merge", "merge the report directories of shards");
  merge->add_option("DIR", merge_options.shard_directories, "shard report directories")->required();
  merge->add_option("-o", merge_options.output_directory, "the merged report directory")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "lockstep: %s (see lockstep --help)\n", error.what());
    return kExitUsage;
  }

  if (list->parsed()) {
    return listed_plugins.empty() ? list_command(list_format) : list_plugins(listed_plugins);
  }
  if (explain->parsed()) {
    return explain_command(explained_rule);
  }
  if (replay->parsed()) {
    return lockstep::cli::replay_command(replay_options);
  }
  if (shrink->parsed()) {
    return lockstep::cli::shrink_command(shrink_options);
  }
  if (merge->parsed()) {
    return lockstep::cli::merge_command(merge_options);
  }
  run_settings.time_given = time_option->count() > 0;
  run_settings.schedule_given = schedule_option->count() > 0;
  lockstep::cli::ImplementationResolver resolver;  // keeps loaded plugins alive for the run
  return run_command(run_options, run_settings, resolver);
}
