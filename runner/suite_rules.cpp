// Folding the suites' rule lists in catalogue order.
#include "runner/suite_rules.h"

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
