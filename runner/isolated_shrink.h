// Shrinking a failure's replay with every probe in a worker process: the one implementation
// behind `lockstep shrink FILE` and the shrunk timelines of `lockstep run --report DIR`.
//
// Why workers: an edited decision log can steer a defective implementation into a crash the
// original schedule never reached (a use-after-free in a service mutant, for one), and that
// must end the probe, not the shrink or the run. A probe that does not come back simply does
// not fail "the same way", and the next probe gets a new worker. The probes of a shrink go to
// one long-lived worker (worker_client.h), a pipe round trip each instead of a fork. The shrunk
// log is re-run in the worker too, for its trace hash, explanation, steps and (when asked) its
// Chrome trace: the caller never executes a log the shrinker invented.
//
// Deterministic: the work is bounded by a count of probes, never by time, so the same replay
// and budget give the same shrunk replay on any machine and in any worker process. (A probe's
// wall-clock limit is a safety net for an implementation that loops forever, which it does on
// every machine alike; legitimate probes finish thousands of times faster.) When the process
// is interrupted (SIGINT/SIGTERM through interrupt_signals.h), the remaining probes are not
// run and the shrink reports that it was interrupted rather than a partial result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "reports/replay_file.h"
#include "runner/worker_client.h"
#include "scheduler/decision_log.h"

namespace lockstep::runner {

/// What a failing schedule is re-run against, as the worker's handler knows it.
struct ShrinkSubject {
  std::size_t implementation = 0;  ///< position among the worker's implementations
  std::size_t suite = 0;           ///< position in conformance::suites()
  std::uint64_t schedule_seed = 0;
  std::string rule;  ///< the rule (or scheduler outcome) a probe must still break
};

/// One run of a decision log in the worker, replayed exactly.
struct IsolatedRerun {
  bool still_fails = false;  ///< it broke the subject's rule
  std::uint64_t trace_hash = 0;
  std::uint64_t steps = 0;
  std::string explanation;   ///< WorldResult::summary()
  std::string chrome_trace;  ///< only when asked for
};

/// Replays `log` in `worker`: exactly (the replay strategy, which stops where the run departs
/// from the log), or with `guided` where it fits (make_guided_strategy: what a changed
/// implementation can still be run on). nullopt with a one-line `error` if the worker did not
/// come back.
std::optional<IsolatedRerun> rerun_isolated(WorkerClient& worker, const ShrinkSubject& subject,
                                            const DecisionLog& log, bool keep_chrome_trace,
                                            std::uint64_t timeout_ms, std::string& error,
                                            bool guided = false);

struct ShrunkReplay {
  reports::ReplayFile replay;  ///< the original's fields with the shrunk decisions, hash, text
  std::uint64_t probes = 0;    ///< schedules the shrink ran, the confirming one included
  std::uint64_t steps = 0;     ///< of the shrunk schedule
  std::string chrome_trace;    ///< of the shrunk schedule, when asked for
};

/// Shrinks `original` (which must record a rule with a decision log, not a crash) with at most
/// `max_runs` edited schedules. nullopt with a one-line `error` when the original does not fail
/// when re-run, the shrunk log cannot be re-run, or the process was interrupted.
std::optional<ShrunkReplay> shrink_replay(WorkerClient& worker, const ShrinkSubject& subject,
                                          const reports::ReplayFile& original,
                                          std::uint64_t max_runs, bool keep_chrome_trace,
                                          std::uint64_t timeout_ms, std::string& error);

}  // namespace lockstep::runner
