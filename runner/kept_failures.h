// Turning a run's kept failing schedules into reported failures: each is re-run in a worker
// process with its trace kept (the parent never runs it), checked to reproduce, and written
// under the report directory as failures/<stem>.replay, .trace.json and, when the
// implementation printed something, .output.txt (the end of it, at most 4 KiB).
//
// A schedule that did not come back from its worker (a crash, a hang, a memory blow-up) is
// re-run the same way and must end the same way; its replay file records the timeout it ran
// under. Hangs cost the whole timeout each, so only the first kept hang of each implementation
// is re-run; the others are reported as detected. A re-run that does not reproduce (another
// trace hash, another ending) keeps the failure, marked reproduced = false, and sets
// `nondeterministic`: the run goes on to write its report and exits 3.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reports/run_report.h"
#include "runner/run_schedules.h"

namespace lockstep::runner {

/// A failing schedule the run keeps.
struct KeptCandidate {
  std::size_t implementation_position = 0;  ///< in RunOptions::implementations
  std::size_t registry_position = 0;        ///< its suite in conformance::suites()
  std::uint64_t schedule_index = 0;
  std::uint64_t trace_hash = 0;    ///< as the run saw it
  std::vector<std::string> rules;  ///< ScheduleRecord::rules(): what it broke
  std::string explanation;         ///< for a schedule that did not come back: why
};

/// Re-runs `candidates` on up to options.jobs workers and appends each one's Failure to
/// `failures[implementation_position]`, in the candidates' order. False with a one-line
/// `error` if the workers failed or a file could not be written.
bool materialize_kept_failures(const RunOptions& options,
                               const std::vector<KeptCandidate>& candidates,
                               std::vector<std::vector<reports::Failure>>& failures,
                               bool& nondeterministic, std::string& error);

}  // namespace lockstep::runner
