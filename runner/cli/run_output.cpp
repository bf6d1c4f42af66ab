// Printing the run's lines and its verdict.
#include "runner/cli/run_output.h"

#include <fmt/format.h>

#include <cstdio>

namespace lockstep::cli {

namespace {

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

// The status word of an implementation line, from its plain verdict.
std::string verdict_word(const std::string& verdict) {
  if (verdict == "pass") {
    return "PASS";
  }
  if (verdict == "fail") {
    return "FAIL";
  }
  if (verdict == "not-applicable") {
    return "n/a ";
  }
  return verdict == "incomplete" ? "INCOMPLETE" : "NOT EXERCISED";
}

}  // namespace

CommandLineObserver::CommandLineObserver(ProgressDisplay& display, const Terminal& terminal,
                                         std::size_t name_width, const std::string& verdict_policy)
    : display_(display),
      terminal_(terminal),
      name_width_(name_width),
      verdict_policy_(verdict_policy) {}

void CommandLineObserver::schedule_finished(bool failed) {
  display_.schedule_finished(failed);
}
void CommandLineObserver::tick() {
  display_.tick();
}
void CommandLineObserver::schedules_finished() {
  display_.finish();
}
void CommandLineObserver::implementation_done(const reports::ImplementationReport& entry) {
  display_.print_line(line_of(entry));
}

void CommandLineObserver::shrinks_started(std::size_t count, std::uint64_t budget) {
  display_.print_line(
      fmt::format("shrinking {} failure(s), the first of each rule, at most {} schedules each\n",
                  count, budget));
  display_.start_shrinks(count);
}

void CommandLineObserver::shrink_finished(const std::string& stem, const std::string& note) {
  if (!note.empty()) {
    display_.print_note("lockstep: " + stem + ": " + note + "\n");
  }
  display_.shrink_done();
}

void CommandLineObserver::shrinks_finished(std::size_t shrunk, std::size_t count) {
  display_.print_line(fmt::format("shrunk {} of {} failure(s)\n", shrunk, count));
}

std::string CommandLineObserver::line_of(const reports::ImplementationReport& entry) const {
  std::string rules;
  for (const auto& [rule, count] : entry.violations_by_rule) {
    rules += fmt::format("{}{}x{}", rules.empty() ? "" : " ", rule, count);
  }
  reports::RunReport policy;
  policy.verdict_policy = verdict_policy_;
  auto [note, bad] = expectation_note(policy, entry);
  std::string extra;
  if (entry.stopped_after_hangs > 0) {
    extra += fmt::format("  (stopped after {} hangs: {} schedules not run)",
                         entry.stopped_after_hangs, entry.schedules_not_run);
  } else if (entry.schedules_not_run > 0) {
    extra += fmt::format("  ({} schedules not run)", entry.schedules_not_run);
  }
  if (entry.provides_no_part) {
    extra += "  (it provides no part lockstep tests)";
  }
  for (const std::string& suite : entry.suites_not_exercised()) {
    extra += "  (no schedule of suite " + suite + " got past creating its object)";
  }
  const std::string verdict = entry.verdict();
  if (entry.schedules == 0 && verdict == "not-applicable") {
    return fmt::format("  {:<{}} {}  no selected suite applies\n", entry.name, name_width_, "n/a ");
  }
  std::string status = verdict_word(verdict);
  // A verdict other than pass or fail is bad news for an implementation that must pass.
  bad = bad || (verdict != "pass" && verdict != "fail" && !entry.expectation_held());
  status = verdict == "pass" ? (bad ? terminal_.red(status) : terminal_.green(status))
                             : (bad ? terminal_.red(status) : terminal_.yellow(status));
  return fmt::format("  {:<{}} {} {:>7} schedules, {:>6} failed{}{}{}{}\n", entry.name, name_width_,
                     status, entry.schedules, entry.failed_schedules,
                     rules.empty() ? "" : "  violations: ", rules,
                     note.empty() ? "" : "  " + (bad ? terminal_.red(note) : note), extra);
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
      const std::vector<std::string> words = {"replay", failure.reproduce_token};
      std::printf("    without the file: %s\n", runner::command_line(options, words).c_str());
    }
  }
}

}  // namespace lockstep::cli
