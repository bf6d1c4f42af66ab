// Which catalogue rules a suite checks: what makes a rule "pass" rather than "not applicable"
// for an implementation in junit.xml and index.html.
//
// The registry (conformance/registry) names suites but not the rules they check; this table
// does, from each suite's own description of its checks. A suite missing from the table
// checks, as far as the reports can tell, the rules it was seen to break (a report never
// claims a pass it did not observe).
#pragma once

#include <string>
#include <vector>

namespace lockstep::cli {

/// The rule ids the named suites check together, in catalogue order.
std::vector<std::string> rules_checked_by(const std::vector<std::string>& suite_names);

}  // namespace lockstep::cli
