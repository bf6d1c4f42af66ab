// Which catalogue rules a set of suites checks: what makes a rule "pass" rather than "not
// applicable" for an implementation in junit.xml and index.html. Each suite names its rules in
// the registry (conformance/registry/suites.h); this folds them in catalogue order.
#pragma once

#include <string>
#include <vector>

namespace lockstep::runner {

/// The rule ids the named suites check together, in catalogue order.
std::vector<std::string> rules_checked_by(const std::vector<std::string>& suite_names);

}  // namespace lockstep::runner
