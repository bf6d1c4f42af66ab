// The targets of a stateful property, from the bundled registry.
#include "conformance/properties/property_targets.h"

#include <algorithm>

#include "conformance/properties/property_checks.h"

namespace lockstep::conformance::properties {


std::vector<PropertyTarget> property_targets(std::string_view part,
                                             const std::vector<std::string>& rules,
                                             std::vector<std::string>* not_judged) {
  std::vector<PropertyTarget> targets;
  for (const Implementation& implementation : bundled_implementations()) {
    if (implementation.table == nullptr || !implementation_provides(*implementation.table, part)) {
      continue;
    }
    PropertyTarget target;
    target.implementation = &implementation;
    if (implementation.kind == "mutant" && implementation.defective_part == part) {
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
}

std::string test_name_of(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace lockstep::conformance::properties
