// The targets of a stateful property, from the bundled registry.
#include "conformance/properties/property_targets.h"

#include <algorithm>

#include "conformance/registry/known_false_alarms.h"

namespace lockstep::conformance::properties {

namespace {

bool provides(const Implementation& implementation, std::string_view part) {
  if (implementation.table == nullptr) {
    return false;
  }
  if (part == "channel") {
    return implementation.table->channel != nullptr;
  }
  if (part == "service-host") {
    return implementation.table->service_host != nullptr;
  }
  if (part == "async-execute") {
    return implementation.table->async_execute != nullptr;
  }
  return false;
}

}  // namespace

std::vector<PropertyTarget> property_targets(std::string_view part,
                                             const std::vector<std::string>& rules,
                                             std::vector<std::string>* not_judged) {
  std::vector<PropertyTarget> targets;
  for (const Implementation& implementation : bundled_implementations()) {
    if (!provides(implementation, part)) {
      continue;
    }
    PropertyTarget target;
    target.implementation = &implementation;
    if (implementation.must_pass()) {
      target.accepted_false_alarms = known_false_alarm_rules(implementation.name);
    } else if (implementation.kind == "mutant" && implementation.defective_part == part) {
      if (std::find(rules.begin(), rules.end(), implementation.breaks) == rules.end()) {
        if (not_judged != nullptr) {
          not_judged->push_back(implementation.name);
        }
        continue;
      }
      target.must_fail_on = implementation.breaks;
    }
    targets.push_back(std::move(target));
  }
  return targets;
}

void PrintTo(const PropertyTarget& target, std::ostream* os) {
  *os << target.implementation->name
      << (target.must_fail_on.empty() ? " (must hold)"
                                      : " (must fail on " + target.must_fail_on + ")");
  for (const std::string& rule : target.accepted_false_alarms) {
    *os << " (accepting known false alarm " << rule << ")";
  }
}

std::string test_name_of(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace lockstep::conformance::properties
