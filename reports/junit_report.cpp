// Rendering junit.xml.
#include "reports/junit_report.h"

#include <cstdio>

#include "reports/markup_escape.h"

namespace lockstep::reports {

namespace {

std::string hex64(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

struct Testcase {
  std::string classname;
  std::string name;
  bool failed = false;
  std::string failure_message;
  std::string failure_type;
  std::string body;  // failure text, or system-out for a passing case
};

std::vector<Testcase> testcases_of(const ImplementationReport& implementation) {
  std::vector<Testcase> cases;
  for (const SuiteRun& suite : implementation.suites) {
    Testcase schedules;
    schedules.classname = "lockstep." + implementation.name + "." + suite.name;
    schedules.name = "schedules";
    schedules.body = std::to_string(suite.schedules) + " schedule(s) of suite " + suite.name;
    for (const auto& [probe, count] : suite.probes) {
      schedules.body += "\nprobe " + probe + ": " +
                        (count == 0 ? std::string("not reached") : std::to_string(count));
    }
    if (suite.schedules == 0) {
      schedules.failed = true;
      schedules.failure_type = "no-schedules";
      schedules.failure_message = "no schedule of suite " + suite.name + " ran";
    } else if (!suite.exercised()) {
      schedules.failed = true;
      schedules.failure_type = "not-exercised";
      schedules.failure_message =
          "no schedule of suite " + suite.name + " got past creating the object it exercises";
    }
    cases.push_back(std::move(schedules));
  }
  for (const std::string& rule : implementation.rules_reported()) {
    Testcase testcase;
    testcase.classname = "lockstep." + implementation.name;
    testcase.name = rule;
    const auto count = implementation.violations_by_rule.find(rule);
    if (count == implementation.violations_by_rule.end()) {
      cases.push_back(std::move(testcase));
      continue;
    }
    testcase.failed = true;
    testcase.failure_type = rule;
    testcase.body = std::to_string(count->second) + " violation(s) of " + rule + " in " +
                    std::to_string(implementation.schedules) + " schedule(s)\n";
    const std::vector<const Failure*> failures = implementation.failures_on(rule);
    testcase.failure_message = failures.empty() ? rule + " broken" : failures.front()->explanation;
    for (const Failure* failure : failures) {
      testcase.body += "\nschedule " + std::to_string(failure->schedule_index) + " of suite " +
                       failure->suite + " (seed " + std::to_string(failure->schedule_seed) +
                       ", trace hash " + hex64(failure->trace_hash) + ")\n  " +
                       failure->explanation + "\n  fault plan: " + failure->fault_plan +
                       "\n  reproduce: " + failure->reproduce + "\n";
      if (failure->shrunk()) {
        testcase.body += "  shrunk from " + std::to_string(failure->decisions) + " to " +
                         std::to_string(failure->shrunk_decisions) +
                         " decisions: " + failure->shrunk_reproduce + "\n";
      }
    }
    cases.push_back(std::move(testcase));
  }
  return cases;
}

std::size_t failures_in(const std::vector<Testcase>& cases) {
  std::size_t failed = 0;
  for (const Testcase& testcase : cases) {
    failed += testcase.failed ? 1 : 0;
  }
  return failed;
}

}  // namespace

std::string junit_xml(const RunReport& report) {
  std::vector<std::vector<Testcase>> suites;
  std::size_t tests = 0;
  std::size_t failures = 0;
  for (const ImplementationReport& implementation : report.implementations) {
    suites.push_back(testcases_of(implementation));
    tests += suites.back().size();
    failures += failures_in(suites.back());
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"lockstep\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"0\">\n";
  for (std::size_t position = 0; position < suites.size(); ++position) {
    const ImplementationReport& implementation = report.implementations[position];
    const std::vector<Testcase>& cases = suites[position];
    xml += "  <testsuite name=\"" + escape_markup_attribute(implementation.name) + "\" tests=\"" +
           std::to_string(cases.size()) + "\" failures=\"" + std::to_string(failures_in(cases)) +
           "\" errors=\"0\" skipped=\"0\">\n";
    xml += "    <properties>\n";
    const std::pair<std::string, std::string> properties[] = {
        {"seed", std::to_string(report.seed)},
        {"strategy", report.strategy},
        {"kind", implementation.kind},
        {"breaks", implementation.expected_rule},
        {"digest", hex64(implementation.digest)},
        {"run_digest", hex64(report.run_digest)},
        {"interrupted", report.interrupted ? "true" : "false"}};
    for (const auto& [name, value] : properties) {
      xml += "      <property name=\"" + name + "\" value=\"" + escape_markup_attribute(value) +
             "\"/>\n";
    }
    xml += "    </properties>\n";
    for (const Testcase& testcase : cases) {
      xml += "    <testcase classname=\"" + escape_markup_attribute(testcase.classname) +
             "\" name=\"" + escape_markup_attribute(testcase.name) + "\"";
      if (testcase.failed) {
        xml += ">\n      <failure message=\"" + escape_markup_attribute(testcase.failure_message) +
               "\" type=\"" + escape_markup_attribute(testcase.failure_type) + "\">" +
               escape_markup_text(testcase.body) + "</failure>\n    </testcase>\n";
      } else if (!testcase.body.empty()) {
        xml += ">\n      <system-out>" + escape_markup_text(testcase.body) +
               "</system-out>\n    </testcase>\n";
      } else {
        xml += "/>\n";
      }
    }
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  return xml;
}

}  // namespace lockstep::reports
