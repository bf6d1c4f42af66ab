// The suite -> rules table.
#include "harness/cli/suite_rules.h"

#include <algorithm>
#include <map>

#include "conformance/catalogue/rule_catalogue.h"

namespace lockstep::cli {

namespace {

const std::map<std::string, std::vector<std::string>>& table() {
  // echo: every call goes through the monitor (AM1-AM7), the host accounts memory (AM9), the
  // world's healed phase bounds completion (AM11) -- conformance/scenarios/echo_scenario.h.
  static const std::map<std::string, std::vector<std::string>> rules = {
      {"echo", {"AM1", "AM2", "AM3", "AM4", "AM5", "AM6", "AM7", "AM9", "AM11"}},
  };
  return rules;
}

}  // namespace

std::vector<std::string> rules_checked_by(const std::vector<std::string>& suite_names) {
  std::vector<std::string> wanted;
  for (const std::string& suite : suite_names) {
    const auto found = table().find(suite);
    if (found != table().end()) {
      wanted.insert(wanted.end(), found->second.begin(), found->second.end());
    }
  }
  std::vector<std::string> ordered;
  for (const conformance::Rule& rule : conformance::rule_catalogue()) {
    if (std::find(wanted.begin(), wanted.end(), rule.id) != wanted.end()) {
      ordered.emplace_back(rule.id);
    }
  }
  return ordered;
}

}  // namespace lockstep::cli
