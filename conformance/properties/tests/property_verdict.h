// The verdict a stateful property must reach on one target, checked and printed the same way
// for every property: cases run, the shrunk case, its seed, the RapidCheck reproduce string
// and the failure file.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/properties/property_case.h"
#include "conformance/properties/property_check.h"
#include "conformance/properties/property_targets.h"

namespace lockstep::conformance::properties {

/// What one target's check left, for the assertions of the caller.
struct TargetVerdict {
  PropertyCheck check;
  bool names_declared_rule = false;
};

/// Runs `body` (one RapidCheck case) as property `property` on `target`, and asserts with
/// GoogleTest what the target requires: hold, or fail naming target.must_fail_on (then `body`
/// checks the property focused on that rule, so that shrinking keeps its counterexample). A mutant
/// in `not_reached_reason` is run briefly and reported, not asserted.
TargetVerdict judge_target(const std::string& property, const PropertyTarget& target,
                           const std::function<void()>& body, const CaseRecorder& cases,
                           const char* not_reached_reason = nullptr);

/// Asserts that `property_targets(part, rules)` judges every bundled mutant defective in
/// `part` (none left out for a rule the property does not cover) and that there are
/// `expected_mutants` of them.
void expect_every_mutant_judged(std::string_view part, const std::vector<std::string>& rules,
                                std::size_t expected_mutants);

}  // namespace lockstep::conformance::properties
