// Rendering workflow commands and SARIF from a report.
#include "reports/ci_annotations.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "conformance/catalogue/rule_catalogue.h"

namespace lockstep::reports {

namespace {

struct Finding {
  std::string rule;
  std::string implementation;
  std::string message;
  std::string replay_file;  // relative to the report directory; may be empty
};

// What is worth an annotation: each rule broken by an implementation whose failures are not
// expected, and each escaped mutant.
std::vector<Finding> findings_of(const RunReport& report) {
  std::vector<Finding> findings;
  for (const ImplementationReport& implementation : report.implementations) {
    if (implementation.outcome() == "escaped") {
      findings.push_back(Finding{
          implementation.expected_rule, implementation.name,
          fmt::format("mutant {} is known to break {} and was not caught in {} schedule(s)",
                      implementation.name, implementation.expected_rule, implementation.schedules),
          ""});
    }
    if (report.failures_expected(implementation)) {
      continue;
    }
    for (const auto& [rule, count] : implementation.violations_by_rule) {
      const std::vector<const Failure*> failures = implementation.failures_on(rule);
      const std::uint64_t failed = implementation.failed_schedules_by_rule.count(rule) > 0
                                       ? implementation.failed_schedules_by_rule.at(rule)
                                       : count;
      std::string message = fmt::format("{} broke {} in {} of {} schedule(s)", implementation.name,
                                        rule, failed, implementation.schedules);
      std::string replay_file;
      if (!failures.empty()) {
        message +=
            ": " + failures.front()->explanation + "\nreproduce: " + failures.front()->reproduce;
        replay_file = failures.front()->replay_file;
      }
      findings.push_back(Finding{rule, implementation.name, message, replay_file});
    }
  }
  return findings;
}

std::string escape_data(const std::string& text) {
  std::string escaped;
  for (const char character : text) {
    if (character == '%') {
      escaped += "%25";
    } else if (character == '\r') {
      escaped += "%0D";
    } else if (character == '\n') {
      escaped += "%0A";
    } else {
      escaped += character;
    }
  }
  return escaped;
}

std::string escape_property(const std::string& text) {
  std::string escaped;
  for (const char character : escape_data(text)) {
    if (character == ':') {
      escaped += "%3A";
    } else if (character == ',') {
      escaped += "%2C";
    } else {
      escaped += character;
    }
  }
  return escaped;
}

}  // namespace

std::string github_annotations(const RunReport& report) {
  std::string lines;
  for (const Finding& finding : findings_of(report)) {
    lines += "::error title=" +
             escape_property("lockstep " + finding.rule + " (" + finding.implementation + ")") +
             "::" + escape_data(finding.message) + "\n";
  }
  return lines;
}

std::string sarif_log(const RunReport& report) {
  using Json = nlohmann::ordered_json;
  const std::vector<Finding> findings = findings_of(report);
  std::set<std::string> rule_ids;
  for (const Finding& finding : findings) {
    rule_ids.insert(finding.rule);
  }
  Json rules = Json::array();
  for (const std::string& id : rule_ids) {
    Json rule = {{"id", id}};
    if (const conformance::Rule* known = conformance::find_rule(id)) {
      rule["shortDescription"] = {{"text", std::string(known->title)}};
      rule["fullDescription"] = {{"text", std::string(known->text)}};
    } else {
      rule["shortDescription"] = {{"text", "scheduler outcome " + id}};
    }
    rules.push_back(rule);
  }
  Json results = Json::array();
  for (const Finding& finding : findings) {
    Json result = {{"ruleId", finding.rule},
                   {"level", "error"},
                   {"message", {{"text", finding.message}}},
                   {"properties", {{"implementation", finding.implementation}}}};
    if (!finding.replay_file.empty()) {
      result["locations"] = Json::array(
          {{{"physicalLocation",
             {{"artifactLocation", {{"uri", finding.replay_file}, {"uriBaseId", "REPORT"}}}}}}});
    }
    results.push_back(result);
  }
  const Json log = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       Json::array(
           {{{"tool",
              {{"driver",
                {{"name", "lockstep"}, {"version", report.lockstep_version}, {"rules", rules}}}}},
             {"results", results}}})}};
  return log.dump(2) + "\n";
}

}  // namespace lockstep::reports
