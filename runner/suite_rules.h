// Which catalogue rules a set of suites checks: what makes a rule "pass" rather than "not
// applicable" for an implementation in junit.xml and index.html. Each suite names its rules in
// the registry (conformance/registry/suites.h); this folds them in catalogue order. Also which
// ids a failure (and so a replay file) can name at all.
#pragma once

#include <string>
#include <vector>

namespace lockstep::runner {

/// The rule ids the named suites check together, in catalogue order.
std::vector<std::string> rules_checked_by(const std::vector<std::string>& suite_names);

/// True for every id a failure can carry: a catalogue rule (exactly as spelled there), a
/// scheduler outcome that ends a schedule abnormally ("deadlock", ...), or a way of not coming
/// back from a worker process ("crash-SIGSEGV", "hang", ...).
bool is_known_failure_id(const std::string& id);

}  // namespace lockstep::runner
