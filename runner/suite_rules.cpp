// Folding the suites' rule lists in catalogue order.
#include "runner/suite_rules.h"

#include <algorithm>
#include <set>

#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/registry/suites.h"
#include "runner/isolated_schedule.h"
#include "scheduler/simulation.h"

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

bool is_known_failure_id(const std::string& id) {
  const conformance::Rule* rule = conformance::find_rule(id);
  if (rule != nullptr && rule->id == id) {
    return true;
  }
  for (const Outcome outcome :
       {Outcome::deadlock, Outcome::step_budget_exhausted, Outcome::time_budget_exhausted,
        Outcome::fiber_exception, Outcome::event_exception, Outcome::replay_diverged}) {
    if (outcome_name(outcome) == id) {
      return true;
    }
  }
  if (id.rfind("crash-", 0) == 0) {
    const std::string signal = id.substr(6);
    return (signal.size() > 3 && signal.rfind("SIG", 0) == 0 &&
            signal.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3) == std::string::npos) ||
           (signal.rfind("signal-", 0) == 0 && signal.size() > 7 &&
            signal.find_first_not_of("0123456789", 7) == std::string::npos);
  }
  return is_isolation_rule(id);
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
  static const std::pair<const char*, const char*> kParts[] = {
      {"channel", "channel"},           {"async-execute", "async-execute"},
      {"service", "service-host"},      {"echo", "echo-call"},
      {"async-result", "async-result"}, {"event-based", "event-based"},
      {"task-based", "task-based"}};
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
