// The stateful properties of a run: after its schedules, each implementation gets every
// property of the parts it provides (conformance/properties/property_checks.h), checked by
// RapidCheck in a worker process like every schedule (a crash or hang there is that property's
// failure), seeded by the run, so that a plugin gets what a bundled implementation gets.
//
// A property's verdict joins the implementation's: a failed property fails it, and a mutant is
// caught on its declared rule by a property as by a schedule. For a mutant whose defect is in
// the property's part, only its declared rule fails a case, so that shrinking keeps that
// counterexample (as the GoogleTest suites do). A failure's shrunk case goes to
// failures/<implementation>--property--<n>.txt with the RC_PARAMS value that re-runs it.
// Sharded runs check the properties in shard 1 only (a merge takes them from it); --schedule
// runs none; --suite and --rule select properties as they select suites.
#pragma once

#include <cstdint>
#include <string>

#include "reports/run_report.h"
#include "runner/run_schedules.h"

namespace lockstep::runner {

/// Checks the properties of every implementation of `options` and appends them to the
/// matching entries of `report` (in options.implementations order). False with `error` when
/// the workers cannot be started or a reply is unreadable.
bool check_properties(const RunOptions& options, reports::RunReport& report, std::string& error);

/// The RapidCheck seed of property `property` in a run with seed `run_seed`.
std::uint64_t property_seed(std::uint64_t run_seed, std::size_t property);

}  // namespace lockstep::runner
