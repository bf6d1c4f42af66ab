// Shrinking a run's kept failures for its report directory (`lockstep run --report DIR`), so
// that index.html can show each broken rule on the smallest schedule found.
//
// Which: the first kept failure of each rule (reports::choose_shrunk_failures), except those
// that did not come back from a worker process (a crash, hang or memory blow-up leaves no
// decision log to shrink). How: from its replay file, with at most --shrink-runs edited
// schedules, every one in a worker process (isolated_shrink.h), one worker per shrinking
// process. Each shrink writes
// failures/<stem>.shrunk.replay and failures/<stem>.shrunk.trace.json itself, in whichever
// process ran it, and sends back one line; the shrinks are spread over the run's --jobs worker
// processes (schedule_workers.h). A shrink depends on its replay file and the budget alone, so
// the report is the same for every --jobs and in every shard.
//
// A shrink that cannot finish (the failure does not reproduce when re-run, the process was
// interrupted) leaves its failure unshrunk and tells the observer why, in one line.
#pragma once

#include <string>

#include "reports/run_report.h"
#include "runner/run_schedules.h"

namespace lockstep::runner {

/// Shrinks the chosen failures of `report` (written under options.report_directory, with
/// options.implementations in the report's order) and fills in their shrunk fields. Returns
/// false with a one-line `error` only if a worker process failed.
bool shrink_kept_failures(const RunOptions& options, reports::RunReport& report,
                          RunObserver& observer, std::string& error);

}  // namespace lockstep::runner
