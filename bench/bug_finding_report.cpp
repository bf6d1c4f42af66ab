// The bug-finding benchmark's table and JSON.
#include <cstdio>
#include <string>

#include "bench/bug_finding.h"

namespace lockstep::bench {

namespace {

std::string milliseconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), seconds < 0.01 ? "%.2f" : (seconds < 1 ? "%.1f" : "%.0f"),
                seconds * 1000.0);
  return text;
}

// "20/20 3/12 0.4/1.5" for a simulated approach, "5/5 12/40 r3" for the real host: found,
// median/max schedules (simulated), median/max CPU milliseconds, median rounds (real host).
std::string cell(const ApproachSummary& summary, bool real_host) {
  std::string text = std::to_string(summary.found) + "/" + std::to_string(summary.attempts.size());
  const std::string crashes =
      summary.crashed > 0 ? " c" + std::to_string(summary.crashed) : std::string();
  if (summary.found == 0) {
    return text + " -" + crashes;
  }
  const std::string bound = summary.max_is_lower_bound ? ">" : "";
  if (!real_host) {
    text += " " + (summary.has_median ? std::to_string(summary.median_schedules) : "-") + "/" +
            bound + std::to_string(summary.max_schedules);
  }
  text += " " + (summary.has_median ? milliseconds(summary.median_cpu_seconds) : "-") + "/" +
          bound + milliseconds(summary.max_cpu_seconds) + "ms";
  return text + crashes;
}

nlohmann::json attempt_json(const Attempt& attempt, bool real_host) {
  nlohmann::json json = {{"seed", attempt.seed},
                         {"found", attempt.found},
                         {"cpu_seconds", attempt.cpu_seconds},
                         {"wall_seconds", attempt.wall_seconds}};
  json[real_host ? "rounds" : "schedules"] = real_host ? attempt.rounds : attempt.schedules;
  if (attempt.crashes > 0) {
    json["crashes"] = attempt.crashes;
    json["crash"] = attempt.crash;
  }
  if (!attempt.other_rules.empty()) {
    json["other_rules"] = attempt.other_rules;
  }
  return json;
}

}  // namespace

void print_bug_finding_section(const BugFindingReport& report, std::FILE* out) {
  const BugFindingOptions& options = report.options;
  std::fprintf(out,
               "bug finding: %zu mutants, at most %.3g CPU-s per attempt; simulated: %u seed(s) "
               "per strategy (at most %llu schedules each); real host: %u attempt(s), at most "
               "%.3g s wall each\n",
               report.rows.size(), options.attempt_cpu_budget_seconds, options.seeds,
               static_cast<unsigned long long>(options.max_schedules), options.real_host_attempts,
               options.real_host_wall_budget_seconds);
  std::fprintf(out,
               "cells: found/attempts, then median/max schedules to the first failure on the "
               "declared rule (simulated), then median/max CPU ms; '>' a miss makes the max a "
               "lower bound, '-' more than half missed; cN: N attempts saw the mutant crash the "
               "process (simulated attempts go on in a new child, real-host ones end)\n");
  constexpr int kCellWidth = 26;
  std::fprintf(out, "%-38s %-5s", "mutant", "rule");
  for (const std::string& approach : report.approaches) {
    std::fprintf(out, " %-*s", kCellWidth, approach.c_str());
  }
  std::fprintf(out, "\n");
  for (const MutantRow& row : report.rows) {
    std::fprintf(out, "%-38s %-5s", row.name.c_str(), row.rule.c_str());
    for (std::size_t index = 0; index < row.approaches.size(); ++index) {
      const bool real_host = report.approaches[index] == "real-host";
      std::fprintf(out, " %-*s", kCellWidth, cell(row.approaches[index], real_host).c_str());
    }
    std::fprintf(out, "\n");
  }
  std::fprintf(out, "%-44s", "mutants caught (by at least one attempt)");
  for (const ApproachTotals& totals : report.totals) {
    std::fprintf(
        out, " %-*s", kCellWidth,
        (std::to_string(totals.mutants_caught) + "/" + std::to_string(report.rows.size())).c_str());
  }
  std::fprintf(out, "\n%-44s", "expected catches with one attempt each");
  for (const ApproachTotals& totals : report.totals) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f", totals.catch_rate_sum);
    std::fprintf(out, " %-*s", kCellWidth, text);
  }
  std::fprintf(out, "\n%-44s", "CPU seconds spent (all attempts)");
  for (const ApproachTotals& totals : report.totals) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.2f", totals.cpu_seconds);
    std::fprintf(out, " %-*s", kCellWidth, text);
  }
  std::fprintf(out, "\n%-44s", "mutants caught per CPU-minute");
  for (const ApproachTotals& totals : report.totals) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.0f", totals.mutants_per_cpu_minute);
    std::fprintf(out, " %-*s", kCellWidth, text);
  }
  std::fprintf(out, "\n(attempts took %.1f CPU-s in all, %.1f s wall)\n", report.cpu_seconds,
               report.wall_seconds);
}

nlohmann::json bug_finding_json(const BugFindingReport& report) {
  const BugFindingOptions& options = report.options;
  nlohmann::json json;
  json["options"] = {{"seeds", options.seeds},
                     {"attempt_cpu_budget_seconds", options.attempt_cpu_budget_seconds},
                     {"max_schedules", options.max_schedules},
                     {"real_host_attempts", options.real_host_attempts},
                     {"real_host_wall_budget_seconds", options.real_host_wall_budget_seconds},
                     {"strategies", options.strategies}};
  json["approaches"] = report.approaches;
  json["mutants"] = nlohmann::json::array();
  for (const MutantRow& row : report.rows) {
    nlohmann::json mutant = {
        {"name", row.name}, {"rule", row.rule}, {"part", row.part}, {"suite", row.suite}};
    for (const ApproachSummary& summary : row.approaches) {
      const bool real_host = summary.approach == "real-host";
      nlohmann::json approach = {{"found", summary.found},
                                 {"attempts", summary.attempts.size()},
                                 {"max_cpu_seconds", summary.max_cpu_seconds},
                                 {"max_is_lower_bound", summary.max_is_lower_bound},
                                 {"crashed", summary.crashed},
                                 {"total_cpu_seconds", summary.total_cpu_seconds}};
      approach["median_cpu_seconds"] =
          summary.has_median ? nlohmann::json(summary.median_cpu_seconds) : nlohmann::json();
      if (!real_host) {
        approach["median_schedules"] =
            summary.has_median ? nlohmann::json(summary.median_schedules) : nlohmann::json();
        approach["max_schedules"] = summary.max_schedules;
      }
      approach["runs"] = nlohmann::json::array();
      for (const Attempt& attempt : summary.attempts) {
        approach["runs"].push_back(attempt_json(attempt, real_host));
      }
      mutant["approaches"][summary.approach] = std::move(approach);
    }
    json["mutants"].push_back(std::move(mutant));
  }
  json["totals"] = nlohmann::json::object();
  for (const ApproachTotals& totals : report.totals) {
    json["totals"][totals.approach] = {{"mutants_caught", totals.mutants_caught},
                                       {"mutants", report.rows.size()},
                                       {"expected_catches_one_attempt_each", totals.catch_rate_sum},
                                       {"cpu_seconds", totals.cpu_seconds},
                                       {"mutants_per_cpu_minute", totals.mutants_per_cpu_minute}};
  }
  json["cpu_seconds"] = report.cpu_seconds;
  json["wall_seconds"] = report.wall_seconds;
  return json;
}

}  // namespace lockstep::bench
