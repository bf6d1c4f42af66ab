// report.json rendering and atomic writing.
#include "reports/run_report.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

namespace lockstep::reports {

namespace {
std::string hex64(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}
}  // namespace

bool RunReport::all_passed() const {
  for (const ImplementationReport& implementation : implementations) {
    if (!implementation.passed()) {
      return false;
    }
  }
  return true;
}

std::string to_json(const RunReport& report) {
  nlohmann::ordered_json root;
  root["schema"] = kReportSchemaVersion;
  root["tool"] = "lockstep";
  root["seed"] = report.seed;
  root["strategy"] = report.strategy;
  root["runs_per_implementation"] = report.runs_per_implementation;
  root["run_digest"] = hex64(report.run_digest);
  root["verdict"] = report.all_passed() ? "pass" : "fail";
  nlohmann::ordered_json implementations = nlohmann::ordered_json::array();
  for (const ImplementationReport& implementation : report.implementations) {
    nlohmann::ordered_json entry;
    entry["name"] = implementation.name;
    entry["kind"] = implementation.kind;
    if (!implementation.expected_rule.empty()) {
      entry["breaks"] = implementation.expected_rule;
    }
    entry["suites"] = implementation.suites;
    entry["schedules"] = implementation.schedules;
    entry["failed_schedules"] = implementation.failed_schedules;
    entry["verdict"] = implementation.schedules == 0 ? "not-applicable"
                       : implementation.passed()    ? "pass"
                                                    : "fail";
    if (!implementation.expected_rule.empty()) {
      entry["caught_as_declared"] = implementation.caught_as_declared();
    }
    entry["digest"] = hex64(implementation.digest);
    if (implementation.first_failure_index) {
      entry["schedules_to_first_failure"] = *implementation.first_failure_index + 1;
    }
    nlohmann::ordered_json rules = nlohmann::ordered_json::object();
    for (const auto& [rule, count] : implementation.violations_by_rule) {
      rules[rule] = count;
    }
    entry["violations_by_rule"] = rules;
    nlohmann::ordered_json failures = nlohmann::ordered_json::array();
    for (const Failure& failure : implementation.failures) {
      failures.push_back({{"suite", failure.suite},
                          {"rule", failure.rule},
                          {"seed", failure.schedule_seed},
                          {"schedule", failure.schedule_index},
                          {"explanation", failure.explanation},
                          {"fault_plan", failure.fault_plan},
                          {"trace_hash", hex64(failure.trace_hash)},
                          {"decisions", failure.decisions},
                          {"replay", failure.reproduce}});
    }
    entry["failures"] = failures;
    implementations.push_back(entry);
  }
  root["implementations"] = implementations;
  return root.dump(2) + "\n";
}

bool write_report(const RunReport& report, const std::string& directory, std::string& error) {
  std::error_code status;
  std::filesystem::create_directories(directory, status);
  if (status) {
    error = "cannot create report directory '" + directory + "': " + status.message();
    return false;
  }
  const std::filesystem::path final_path = std::filesystem::path(directory) / "report.json";
  const std::filesystem::path temporary_path =
      std::filesystem::path(directory) / ".report.json.partial";
  {
    std::ofstream stream(temporary_path, std::ios::binary | std::ios::trunc);
    stream << to_json(report);
    stream.flush();
    if (!stream) {
      error = "cannot write '" + temporary_path.string() + "'";
      return false;
    }
  }
  std::filesystem::rename(temporary_path, final_path, status);
  if (status) {
    error = "cannot move the report into place at '" + final_path.string() + "': " +
            status.message();
    return false;
  }
  return true;
}

}  // namespace lockstep::reports
