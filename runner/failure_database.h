// The failure database of a report directory (Hypothesis' example database, proptest's
// regression files): DIR/known-failures/ keeps the replay of every failure a run into DIR kept
// (its shrunk replay when the run shrank it), across runs. A new run clears DIR/failures/, which
// mirrors its own report.json, but never this folder; delete it to forget.
//
// `lockstep run --rerun-failed --report DIR` re-runs these first, in a worker process, and
// records the result in report.json ("reruns"): "still-fails" when the rule it recorded breaks
// again, "now-holds" when it does not. A file is first replayed exactly; when the schedule no
// longer follows its log (the implementation changed), it is run again guided by the log as far
// as it fits (make_guided_strategy), which is the nearest schedule a changed implementation can
// be run on. Files of implementations the run does not include, and unreadable files, are left
// alone and named in one line each. Deterministic: files in name order, counts never time.
#pragma once

#include <string>
#include <vector>

#include "reports/run_report.h"
#include "runner/run_schedules.h"

namespace lockstep::runner {

inline constexpr const char* kKnownFailuresDirectory = "known-failures";

/// Copies the replay of each kept failure of `report` (written under `directory`) into
/// DIR/known-failures/<stem>.replay. One-line `error` on failure.
bool remember_failures(const reports::RunReport& report, const std::string& directory,
                       std::string& error);

/// What --rerun-failed found, and the files it passed over (one line each).
struct RerunOutcome {
  std::vector<reports::Rerun> reruns;
  std::vector<std::string> notes;
};

/// Re-runs DIR/known-failures/*.replay of the run's implementations (`options`, with its
/// labels); `report_names` are the names the report gives them, in the same order.
RerunOutcome rerun_known_failures(const RunOptions& options,
                                  const std::vector<std::string>& report_names,
                                  const std::string& directory);

}  // namespace lockstep::runner
