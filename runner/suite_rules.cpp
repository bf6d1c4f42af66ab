// Folding the suites' rule lists in catalogue order.
#include "runner/suite_rules.h"

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
