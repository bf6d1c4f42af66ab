// Printing a report's failures.
#include "runner/cli/report_show_command.h"

#include <fmt/format.h>

#include <cstdio>

#include "reports/run_report.h"
#include "runner/cli/exit_codes.h"

namespace lockstep::cli {

int report_show_command(const std::string& directory) {
  std::string error;
  const std::optional<reports::RunReport> report = reports::read_report(directory, error);
  if (!report) {
    std::fprintf(stderr, "lockstep: %s\n", error.c_str());
    return kExitUsage;
  }
  std::string budget = report->runs ? fmt::format("{} schedules per suite", *report->runs)
                       : report->time_seconds
                           ? fmt::format("{} s", *report->time_seconds)
                           : fmt::format("schedule {} only", report->only_schedule.value_or(0));
  std::printf("%s: seed %llu, strategy %s, %s, lockstep %s%s\n", directory.c_str(),
              static_cast<unsigned long long>(report->seed), report->strategy.c_str(),
              budget.c_str(),
              report->lockstep_version.empty() ? "?" : report->lockstep_version.c_str(),
              report->interrupted ? " (interrupted)" : "");
  std::size_t shown = 0;
  for (const reports::ImplementationReport& implementation : report->implementations) {
    const bool expected = report->failures_expected(implementation);
    if (implementation.outcome() == "escaped") {
      std::printf("%s: ESCAPED: mutant not caught on %s in %llu schedule(s)\n",
                  implementation.name.c_str(), implementation.expected_rule.c_str(),
                  static_cast<unsigned long long>(implementation.schedules));
    }
    for (const reports::Failure& failure : implementation.failures) {
      ++shown;
      std::printf("%s: %s in suite %s, schedule %llu%s\n  %s\n  reproduce: %s\n",
                  implementation.name.c_str(), failure.rule.c_str(), failure.suite.c_str(),
                  static_cast<unsigned long long>(failure.schedule_index),
                  expected ? " (expected: a mutant caught on its rule)" : "",
                  failure.explanation.c_str(), failure.reproduce.c_str());
      if (failure.shrunk()) {
        std::printf("  shrunk (%llu -> %llu decisions): %s\n",
                    static_cast<unsigned long long>(failure.decisions),
                    static_cast<unsigned long long>(failure.shrunk_decisions),
                    failure.shrunk_reproduce.c_str());
      }
      if (!failure.reproduce_token.empty()) {
        std::printf("  reproduce string: %s\n", failure.reproduce_token.c_str());
      }
    }
  }
  for (const reports::Rerun& rerun : report->reruns) {
    std::printf("rerun %s (%s): %s\n", rerun.file.c_str(), rerun.rule.c_str(),
                rerun.result.c_str());
  }
  std::printf("%zu kept failure(s); verdict (%s): %s\n", shown, report->verdict_policy.c_str(),
              report->verdict_passed() ? "pass" : "fail");
  return report->verdict_passed() ? kExitPass : kExitViolation;
}

}  // namespace lockstep::cli
