// The coverage probes of the pattern suites: which probe names a client x service combination,
// and which probes each family's suite expects its schedules to reach.
//
// Why a file of its own: the drivers reach the probes where they see each situation; what a
// suite promises (the registry's Suite::probes) and the combination a schedule ran are decided
// here, once, next to the scenario that draws them. Invariant: every probe a family's suite
// expects is one its own part reaches in one of its two roles, or the exchange under it
// (conformance/tests/coverage_catalogue_test.cpp holds the reference to reaching each).
#pragma once

#include <optional>
#include <vector>

#include "conformance/patterns/pattern_plans.h"
#include "harness/core/coverage_probe.h"

namespace lockstep::conformance {

/// The probe of a combination; nullopt for the harness's own baseline (its plain channel
/// client against its synchronous service), which no suite runs.
std::optional<harness::Probe> combination_probe(PatternCombination combination);

/// The combinations a family's suite runs: its client against the four service patterns, and
/// the three other client patterns against its service (seven).
std::vector<PatternCombination> family_combinations(PatternFamily family);

/// Every probe the family's suite expects: its pattern's situations in either role, argument
/// errors at the start, the exchange's (one-way calls, failed exchanges) and its seven
/// combinations.
std::vector<harness::Probe> pattern_suite_probes(PatternFamily family);

}  // namespace lockstep::conformance
