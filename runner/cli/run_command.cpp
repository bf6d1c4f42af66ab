// The run command's checks, banner, per-implementation lines and verdict.
#include "runner/cli/run_command.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>

#include "conformance/registry/suites.h"
#include "runner/cli/exit_codes.h"
#include "runner/cli/progress_display.h"
#include "runner/interrupt_signals.h"
#include "runner/report_directory.h"

namespace lockstep::cli {

namespace {

std::string verdict_word(const std::string& verdict) {
  if (verdict == "pass") {
    return "PASS";
  }
  if (verdict == "fail") {
    return "FAIL";
  }
  if (verdict == "not-applicable") {
    return "n/a";
  }
  return verdict == "incomplete" ? "INCOMPLETE" : "NOT EXERCISED";
}

std::string implementation_line(const reports::ImplementationReport& entry) {
  std::string rules;
  for (const auto& [rule, count] : entry.violations_by_rule) {
    rules += (rules.empty() ? "" : " ") + rule + "x" + std::to_string(count);
  }
  std::string expectation;
  if (!entry.expected_rule.empty() && entry.schedules > 0) {
    expectation = entry.caught_as_declared() ? "  (mutant caught on " + entry.expected_rule + ")"
                                             : "  (MISSED: declared " + entry.expected_rule + ")";
  }
  if (entry.stopped_after_hangs > 0) {
    expectation += "  (stopped after " + std::to_string(entry.stopped_after_hangs) +
                   " hangs: " + std::to_string(entry.schedules_not_run) + " schedules not run)";
  } else if (entry.schedules_not_run > 0) {
    expectation += "  (" + std::to_string(entry.schedules_not_run) + " schedules not run)";
  }
  if (entry.provides_no_part) {
    expectation += "  (it provides no part lockstep tests)";
  }
  for (const std::string& suite : entry.suites_not_exercised()) {
    expectation += "  (no schedule of suite " + suite + " got past creating its object)";
  }
  char line[1024];
  std::snprintf(line, sizeof(line), "  %-34s %-4s %6llu schedules, %6llu failed%s%s%s\n",
                entry.name.c_str(), verdict_word(entry.verdict()).c_str(),
                static_cast<unsigned long long>(entry.schedules),
                static_cast<unsigned long long>(entry.failed_schedules),
                rules.empty() ? "" : "  violations: ", rules.c_str(), expectation.c_str());
  return line;
}

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

// The progress bar, and a line per implementation above it.
class CommandLineObserver final : public runner::RunObserver {
 public:
  explicit CommandLineObserver(ProgressDisplay& display) : display_(display) {}
  void schedule_finished(bool failed) override { display_.schedule_finished(failed); }
  void tick() override { display_.tick(); }
  void schedules_finished() override { display_.finish(); }
  void implementation_done(const reports::ImplementationReport& entry) override {
    display_.print_line(implementation_line(entry));
  }

 private:
  ProgressDisplay& display_;
};

}  // namespace

int run_command(runner::RunOptions& options, const RunSettings& settings,
                runner::ImplementationResolver& resolver) {
  std::string error;
  const std::optional<std::uint64_t> seed = parse_count(settings.seed_text);
  if (!seed) {
    std::fprintf(stderr, "lockstep: --seed '%s' is not a whole number from 0 to %llu\n",
                 settings.seed_text.c_str(), static_cast<unsigned long long>(UINT64_MAX));
    return kExitUsage;
  }
  options.seed = *seed;
  const auto strategy = parse_strategy_spec(settings.strategy_text, error);
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
    if (conformance::find_suite(suite) == nullptr) {
      std::fprintf(stderr, "lockstep: unknown suite '%s' (see lockstep list)\n", suite.c_str());
      return kExitUsage;
    }
  }
  if (settings.names.empty()) {
    for (const auto& implementation : conformance::bundled_implementations()) {
      options.implementations.push_back(&implementation);
    }
  }
  for (const std::string& name : settings.names) {
    const auto* implementation = resolver.resolve(name, error);
    if (implementation == nullptr) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    if (std::find(options.implementations.begin(), options.implementations.end(), implementation) !=
        options.implementations.end()) {
      std::fprintf(stderr, "lockstep: --impl '%s' is given twice (each runs once)\n", name.c_str());
      return kExitUsage;
    }
    options.implementations.push_back(implementation);
  }
  // Plugins are loaded in each worker process, never here.
  options.worker_setup = [&resolver] { return resolver.load_plugins_here(); };
  if (!options.report_directory.empty() &&
      !runner::prepare_report_directory(options.report_directory, error)) {
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

  runner::install_interrupt_handlers(/*second_signal_kills=*/true);
  std::optional<std::uint64_t> total;
  if (!options.time_seconds) {
    total = 0;
    for (const auto* implementation : options.implementations) {
      for (const auto& suite : conformance::suites()) {
        const bool selected = options.suites.empty() ||
                              std::find(options.suites.begin(), options.suites.end(), suite.name) !=
                                  options.suites.end();
        if (selected && suite.applies(*implementation)) {
          const std::uint64_t first = options.shard_index - 1;
          *total += options.only_schedule   ? 1
                    : *options.runs > first ? (*options.runs - first - 1) / options.shard_count + 1
                                            : 0;
        }
      }
    }
  }
  ProgressDisplay display(isatty(STDOUT_FILENO) != 0, total, options.time_seconds);
  CommandLineObserver observer(display);
  const runner::RunOutcome result = runner::run_schedules(options, observer);
  if (!result.report) {
    std::fprintf(stderr, "lockstep: %s\n", result.error.c_str());
    return kExitUsage;
  }
  if (result.nondeterministic) {
    std::fprintf(stderr, "lockstep: %s\n", result.error.c_str());
  }
  const reports::RunReport& report = *result.report;
  std::printf("run digest %016llx\n", static_cast<unsigned long long>(report.run_digest));
  for (const auto& entry : report.implementations) {
    if (!entry.failures.empty()) {
      const reports::Failure& failure = entry.failures.front();
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
    if (!runner::write_report_directory(report, options.report_directory, error)) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    std::printf("report written to %s/report.json (and junit.xml, index.html)\n",
                options.report_directory.c_str());
  }
  if (result.interrupt_signal != 0) {
    std::printf("interrupted by %s: the report covers the schedules that finished\n",
                runner::interrupt_signal_name(result.interrupt_signal));
    // A violation found before the interruption is still a finding; otherwise say that the
    // run did not finish, the way shells report a signal.
    if (result.nondeterministic) {
      return kExitNondeterminism;
    }
    return report.verdict() == "fail" ? kExitViolation : 128 + result.interrupt_signal;
  }
  if (result.nondeterministic) {
    return kExitNondeterminism;  // the report was written, the failure marked not reproduced
  }
  // A failure, or a run that exercised nothing (not a pass): 1.
  const std::size_t gaps = print_coverage(report, settings.show_coverage ||
                                                      report.implementations.size() == 1);
  if (settings.require_coverage && gaps > 0) {
    std::printf("coverage required: %zu probe(s) of applicable suites reached by no schedule\n",
                gaps);
    return kExitViolation;
  }
  return report.all_passed() ? kExitPass : kExitViolation;
}

}  // namespace lockstep::cli
