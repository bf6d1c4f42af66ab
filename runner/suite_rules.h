// Which catalogue rules a set of suites checks: what makes a rule "pass" rather than "not
// applicable" for an implementation in junit.xml and index.html. Each suite names its rules in
// the registry (conformance/registry/suites.h); this folds them in catalogue order. Also which
// ids a failure (and so a replay file) can name at all. And what a run therefore expects of a
// bundled implementation (the self-check verdict): a mutant must be caught on its declared rule
// when the run includes a suite that exercises the part its defect is in and checks that rule;
// otherwise the run exercises only its reference parts, which must pass; a mutant whose rule
// --rule leaves out is not judged. (Measured: with --suite service, --suite channel or --suite
// async-execute alone, every mutant of another part passes.)
#pragma once

#include <string>
#include <vector>

#include "conformance/registry/implementations.h"
#include "reports/run_report.h"
#include "runner/name_filter.h"

namespace lockstep::runner {

/// The rule ids the named suites check together, in catalogue order.
std::vector<std::string> rules_checked_by(const std::vector<std::string>& suite_names);

/// True for every id a failure can carry: a catalogue rule (exactly as spelled there), a
/// scheduler outcome that ends a schedule abnormally ("deadlock", ...), or a way of not coming
/// back from a worker process ("crash-SIGSEGV", "hang", ...).
bool is_known_failure_id(const std::string& id);

/// `rules` without those `rule_filter` leaves out.
std::vector<std::string> rules_selected(const std::vector<std::string>& rules,
                                        const NameFilter& rule_filter);

/// The part of an implementation a suite exercises ("channel", "async-execute",
/// "service-host", "echo-call", or a .NET pattern part), or empty for a suite this table does not
/// know (a test keeps it complete; an unknown suite is taken to exercise every part).
std::string part_exercised_by(const std::string& suite_name);

/// What the run expects of `implementation`, given the suites it runs on it and --rule.
reports::Expectation expectation_of(const conformance::Implementation& implementation,
                                    const std::vector<std::string>& suite_names,
                                    const NameFilter& rule_filter);

}  // namespace lockstep::runner
