// Which bundled implementations a stateful property runs on, and what it must conclude there.
//
// Why it exists: a property is written once and run against every implementation that
// provides the part it exercises. The verdict it must reach follows from the registry: a
// mutant whose defect is in that part must fail on the rule it declares; everything else
// there (the reference, and mutants whose defect is in another part, whose copy of this part
// is the reference's) must hold.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/registry/implementations.h"

namespace lockstep::conformance::properties {

struct PropertyTarget {
  const Implementation* implementation = nullptr;
  /// The rule the property must fail on; empty when it must hold.
  std::string must_fail_on;
};

/// The bundled implementations that provide `part` ("channel", "service-host",
/// "async-execute", "async-result", "event-based" or "task-based"), in registry order. A mutant defective in `part` whose rule is not among
/// `rules` is left out (the property cannot judge it) and named in `not_judged`.
std::vector<PropertyTarget> property_targets(std::string_view part,
                                             const std::vector<std::string>& rules,
                                             std::vector<std::string>* not_judged = nullptr);

/// How GoogleTest prints a target (by ADL): its name and the verdict it must reach.
void PrintTo(const PropertyTarget& target, std::ostream* os);

/// A GoogleTest-friendly parameter name: "-" becomes "_".
std::string test_name_of(std::string name);

}  // namespace lockstep::conformance::properties
