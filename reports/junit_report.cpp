// Rendering junit.xml.
#include "reports/junit_report.h"

#include <fmt/format.h>

#include "reports/markup_escape.h"

namespace lockstep::reports {

namespace {

enum class Result { passed, failed, skipped };

struct Testcase {
  std::string classname;
  std::string name;
  Result result = Result::passed;
  std::string message;  // of the failure or the skip
  std::string type;     // of the failure or the skip
  std::string details;  // the failure's text, or system-out for a passing or skipped case
};

std::string failure_details(const ImplementationReport& implementation, const std::string& rule,
                            std::uint64_t violations) {
  std::string details = fmt::format("{} violation(s) of {} in {} schedule(s), {} of them failed\n",
                                    violations, rule, implementation.schedules,
                                    implementation.failed_schedules_by_rule.count(rule) > 0
                                        ? implementation.failed_schedules_by_rule.at(rule)
                                        : 0);
  for (const Failure* failure : implementation.failures_on(rule)) {
    details += fmt::format(
        "\nschedule {} of suite {} (seed {}, trace hash {:016x})\n  {}\n  fault plan: {}\n  "
        "reproduce: {}\n",
        failure->schedule_index, failure->suite, failure->schedule_seed, failure->trace_hash,
        failure->explanation, failure->fault_plan, failure->reproduce);
    if (!failure->reproduce_token.empty()) {
      details += fmt::format("  reproduce string: {}\n", failure->reproduce_token);
    }
    if (failure->shrunk()) {
      details += fmt::format("  shrunk from {} to {} decisions: {}\n", failure->decisions,
                             failure->shrunk_decisions, failure->shrunk_reproduce);
    }
  }
  return details;
}

std::vector<Testcase> testcases_of(const RunReport& report,
                                   const ImplementationReport& implementation) {
  std::vector<Testcase> cases;
  for (const SuiteRun& suite : implementation.suites) {
    Testcase schedules;
    schedules.classname = "lockstep." + implementation.name + "." + suite.name;
    schedules.name = "schedules";
    schedules.details = fmt::format("{} schedule(s) of suite {}, {} failed", suite.schedules,
                                    suite.name, suite.failed_schedules);
    for (const auto& [probe, count] : suite.probes) {
      schedules.details += "\nprobe " + probe + ": " +
                           (count == 0 ? std::string("not reached") : std::to_string(count));
    }
    if (suite.schedules == 0) {
      schedules.result = Result::failed;
      schedules.type = "no-schedules";
      schedules.message = "no schedule of suite " + suite.name + " ran";
    } else if (!suite.exercised()) {
      schedules.result = Result::failed;
      schedules.type = "not-exercised";
      schedules.message =
          "no schedule of suite " + suite.name + " got past creating the object it exercises";
    }
    cases.push_back(std::move(schedules));
  }
  const std::string outcome = implementation.outcome();
  // Under self-check: a mutant's failures when it did what the run expects of it, or what the
  // run cannot judge (not judged, not caught within the budget, cut short).
  const bool expected = report.failures_expected(implementation);
  for (const PropertyRun& property : implementation.properties) {
    Testcase testcase;
    testcase.classname = "lockstep." + implementation.name + ".properties";
    testcase.name = property.name;
    testcase.details = fmt::format("{}: {} after {} case(s) (RapidCheck seed {})\n",
                                   property.name, property.verdict, property.cases, property.seed);
    if (property.failed()) {
      std::string rules;
      for (const std::string& rule : property.rules_broken) {
        rules += (rules.empty() ? "" : ", ") + rule;
      }
      testcase.details += fmt::format("broke {}: {}\nshrunk case: {}\nre-run: RC_PARAMS=\"{}\"\n",
                                      rules, property.message, property.case_file,
                                      property.reproduce);
      testcase.result = expected ? Result::skipped : Result::failed;
      testcase.type = expected ? "expected-failure" : property.verdict;
      testcase.message =
          expected ? fmt::format("expected failure: mutant {} breaks {} on purpose (property {})",
                                 implementation.name, rules, property.name)
                   : fmt::format("property {} {} on {}", property.name, property.verdict, rules);
    }
    cases.push_back(std::move(testcase));
  }
  const bool escaped = report.verdict_policy == "self-check" &&
                       (outcome == "escaped" || outcome == "caught-on-other-rule");
  for (const std::string& rule : implementation.rules_reported()) {
    Testcase testcase;
    testcase.classname = "lockstep." + implementation.name;
    testcase.name = rule;
    const auto count = implementation.violations_by_rule.find(rule);
    if (count == implementation.violations_by_rule.end()) {
      if (rule == implementation.expected_rule && (escaped || expected) &&
          outcome != "not-judged" && outcome != "expected-fail") {
        testcase.message =
            fmt::format("mutant {} is known to break {} and was not caught in {} schedule(s){}",
                        implementation.name, rule, implementation.schedules,
                        outcome == "incomplete" ? ": the run was cut short" : "");
        testcase.result = escaped ? Result::failed : Result::skipped;
        testcase.type = escaped ? "escaped" : outcome;
        testcase.details = testcase.message + "\n";
      }
      cases.push_back(std::move(testcase));
      continue;
    }
    testcase.details = failure_details(implementation, rule, count->second);
    const std::vector<const Failure*> failures = implementation.failures_on(rule);
    const std::string first = failures.empty() ? rule + " broken" : failures.front()->explanation;
    if (expected) {
      testcase.result = Result::skipped;
      testcase.type = outcome == "expected-fail" ? "expected-failure" : outcome;
      if (outcome == "expected-fail") {
        testcase.message = fmt::format("expected failure: mutant {} breaks {} on purpose: {}",
                                       implementation.name, implementation.expected_rule, first);
      } else if (outcome == "not-judged") {
        testcase.message =
            fmt::format("not judged: --rule leaves out {}, the rule mutant {} breaks: {}",
                        implementation.expected_rule, implementation.name, first);
      } else {
        testcase.message =
            fmt::format("not judged: mutant {} is not caught on {} yet ({}): {}",
                        implementation.name, implementation.expected_rule, outcome, first);
      }
    } else {
      testcase.result = Result::failed;
      testcase.type = rule;
      testcase.message = first;
    }
    cases.push_back(std::move(testcase));
  }
  return cases;
}

std::size_t count_of(const std::vector<Testcase>& cases, Result result) {
  std::size_t count = 0;
  for (const Testcase& testcase : cases) {
    count += testcase.result == result ? 1 : 0;
  }
  return count;
}

std::string attribute(const std::string& value) {
  return escape_markup_attribute(value);
}

}  // namespace

std::string junit_xml(const RunReport& report) {
  std::vector<std::vector<Testcase>> suites;
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t skipped = 0;
  for (const ImplementationReport& implementation : report.implementations) {
    suites.push_back(testcases_of(report, implementation));
    tests += suites.back().size();
    failures += count_of(suites.back(), Result::failed);
    skipped += count_of(suites.back(), Result::skipped);
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format(
      "<testsuites name=\"lockstep\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
      tests, failures, skipped);
  for (std::size_t position = 0; position < suites.size(); ++position) {
    const ImplementationReport& implementation = report.implementations[position];
    const std::vector<Testcase>& cases = suites[position];
    xml += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
        attribute(implementation.name), cases.size(), count_of(cases, Result::failed),
        count_of(cases, Result::skipped));
    xml += "    <properties>\n";
    std::vector<std::pair<std::string, std::string>> properties = {
        {"seed", std::to_string(report.seed)},
        {"strategy", report.strategy},
        {"kind", implementation.kind},
        {"breaks", implementation.expected_rule},
        {"expected", expectation_name(implementation.expectation)},
        {"outcome", implementation.outcome()},
        {"verdict_policy", report.verdict_policy},
        {"digest", fmt::format("{:016x}", implementation.digest)},
        {"run_digest", fmt::format("{:016x}", report.run_digest)},
        {"interrupted", report.interrupted ? "true" : "false"},
        {"lockstep_version", report.lockstep_version}};
    if (implementation.library) {
      properties.emplace_back("library", implementation.library->path);
      properties.emplace_back("library_sha256", implementation.library->sha256);
      properties.emplace_back("library_version", implementation.library->version);
    }
    for (const auto& [name, value] : properties) {
      xml += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, attribute(value));
    }
    xml += "    </properties>\n";
    for (const Testcase& testcase : cases) {
      xml += fmt::format("    <testcase classname=\"{}\" name=\"{}\"",
                         attribute(testcase.classname), attribute(testcase.name));
      if (testcase.result == Result::failed) {
        xml += fmt::format(
            ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
            attribute(testcase.message), attribute(testcase.type),
            escape_markup_text(testcase.details));
      } else if (testcase.result == Result::skipped) {
        xml += fmt::format(
            ">\n      <skipped message=\"{}\" type=\"{}\"/>\n      <system-out>{}</system-out>\n"
            "    </testcase>\n",
            attribute(testcase.message), attribute(testcase.type),
            escape_markup_text(testcase.details));
      } else if (!testcase.details.empty()) {
        xml += ">\n      <system-out>" + escape_markup_text(testcase.details) +
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
