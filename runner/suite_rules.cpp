// Folding the suites' rule lists in catalogue order.
#include "runner/suite_rules.h"

#include <algorithm>
#include <set>

#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/registry/suites.h"

namespace lockstep::runner {

std::vector<std::string> rules_checked_by(const std::vector<std::string>& suite_names) {
  std::set<std::string> checked;
  for (const std::string& name : suite_names) {
    if (const conformance::Suite* suite = conformance::find_suite(name)) {
      checked.insert(suite->rules.begin(), suite->rules.end());
    }
  }
  std::vector<std::string> ordered;
  for (const conformance::Rule& rule : conformance::rule_catalogue()) {
    if (checked.count(std::string(rule.id)) > 0) {
      ordered.emplace_back(rule.id);
    }
  }
  return ordered;
}

}  // namespace lockstep::runner

namespace lockstep::runner {

std::vector<std::string> rules_selected(const std::vector<std::string>& rules,
                                        const NameFilter& rule_filter) {
  std::vector<std::string> selected;
  for (const std::string& rule : rules) {
    if (rule_filter.matches(rule)) {
      selected.push_back(rule);
    }
  }
  return selected;
}

std::string part_exercised_by(const std::string& suite_name) {
  static const std::pair<const char*, const char*> kParts[] = {{"channel", "channel"},
                                                               {"async-execute", "async-execute"},
                                                               {"service", "service-host"},
                                                               {"echo", "echo-call"}};
  for (const auto& [suite, part] : kParts) {
    if (suite_name == suite) {
      return part;
    }
  }
  return "";
}

reports::Expectation expectation_of(const conformance::Implementation& implementation,
                                    const std::vector<std::string>& suite_names,
                                    const NameFilter& rule_filter) {
  if (implementation.kind == "plugin") {
    return reports::Expectation::none;
  }
  if (implementation.breaks.empty()) {
    return reports::Expectation::pass;
  }
  bool exercised = false;
  for (const std::string& name : suite_names) {
    const std::string part = part_exercised_by(name);
    const conformance::Suite* suite = conformance::find_suite(name);
    exercised =
        exercised || ((part.empty() || part == implementation.defective_part) && suite != nullptr &&
                      std::find(suite->rules.begin(), suite->rules.end(), implementation.breaks) !=
                          suite->rules.end());
  }
  if (!exercised) {
    return reports::Expectation::pass;  // the run exercises only its reference parts
  }
  return rule_filter.matches(implementation.breaks) ? reports::Expectation::caught
                                                    : reports::Expectation::not_judged;
}

}  // namespace lockstep::runner
