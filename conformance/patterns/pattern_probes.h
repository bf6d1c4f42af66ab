// The coverage probes of the pattern suites: which probe names a client x service combination,
// and which probes each family's suite expects its schedules to reach.
//
// Why a file of its own: the drivers reach the probes where they see each situation; what a
// suite promises (the registry's Suite::probes) and the combination a schedule ran are decided
// here, once, next to the scenario that draws them. Invariant: a suite expects of a part only
// the combinations its roles run (a client-only part never runs the other clients against its
// service), and every probe it expects is reached within the coverage test's schedules by the
// reference with both roles and with each role alone
// (conformance/tests/coverage_catalogue_test.cpp).
#pragma once

#include <optional>
#include <vector>

#include "conformance/patterns/pattern_plans.h"
#include "conformance/patterns/pattern_schedule.h"
#include "harness/core/coverage_probe.h"

namespace lockstep::conformance {

/// The probe of a combination; nullopt for the harness's own baseline (its plain channel
/// client against its synchronous service), which no suite runs.
std::optional<harness::Probe> combination_probe(PatternCombination combination);

/// The combinations a family's suite runs on a part with the given roles: its client against
/// the four service patterns, and the other client patterns against its service (seven with
/// both roles, four with one).
std::vector<PatternCombination> family_combinations(PatternFamily family, PatternRoles roles);

/// Every probe the family's suite expects of a part with the given roles: its pattern's
/// situations (the drivers run the family's pattern on both sides of its own combination, so a
/// part with one role reaches them too), argument errors at the start, the exchange's (one-way
/// calls, failed exchanges) and the combinations it runs.
std::vector<harness::Probe> pattern_suite_probes(PatternFamily family, PatternRoles roles);

}  // namespace lockstep::conformance
