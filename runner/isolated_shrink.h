// Shrinking a failure's replay with every probe in a child process: the one implementation
// behind `lockstep shrink FILE` and the shrunk timelines of `lockstep run --report DIR`.
//
// Why children: an edited decision log can steer a defective implementation into a crash the
// original schedule never reached (a use-after-free in a service mutant, for one), and that
// must end the probe, not the shrink or the run. A probe that does not come back simply does
// not fail "the same way". The shrunk log is re-run in a child too, for its trace hash,
// explanation, steps and (when asked) its Chrome trace: the parent never executes a log the
// shrinker invented.
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

#include "conformance/registry/implementations.h"
#include "conformance/registry/suites.h"
#include "harness/isolation/run_isolated.h"
#include "reports/replay_file.h"
#include "scheduler/decision_log.h"

namespace lockstep::runner {

/// What a failing schedule is re-run against.
struct ShrinkSubject {
  const conformance::Implementation* implementation = nullptr;
  const conformance::Suite* suite = nullptr;
  std::uint64_t schedule_seed = 0;
  std::string rule;  ///< the rule (or scheduler outcome) a probe must still break
};

/// One run of a decision log in a child, replayed exactly.
struct IsolatedRerun {
  bool still_fails = false;  ///< it broke the subject's rule
  std::uint64_t trace_hash = 0;
  std::uint64_t steps = 0;
  std::string explanation;   ///< WorldResult::summary()
  std::string chrome_trace;  ///< only when asked for
};

/// Replays `log` in a child: exactly (the replay strategy, which stops where the run departs
/// from the log), or with `guided` where it fits (make_guided_strategy: what a changed
/// implementation can still be run on). nullopt with a one-line `error` if the child did not
/// come back.
std::optional<IsolatedRerun> rerun_isolated(const ShrinkSubject& subject, const DecisionLog& log,
                                            bool keep_chrome_trace,
                                            const harness::IsolationLimits& limits,
                                            std::string& error, bool guided = false);

struct ShrunkReplay {
  reports::ReplayFile replay;  ///< the original's fields with the shrunk decisions, hash, text
  std::uint64_t probes = 0;    ///< schedules the shrink ran, the confirming one included
  std::uint64_t steps = 0;     ///< of the shrunk schedule
  std::string chrome_trace;    ///< of the shrunk schedule, when asked for
};

/// Shrinks `original` (which must record a rule with a decision log, not a crash) with at most
/// `max_runs` edited schedules. nullopt with a one-line `error` when the original does not fail
/// when re-run, the shrunk log cannot be re-run, or the process was interrupted.
std::optional<ShrunkReplay> shrink_replay(const ShrinkSubject& subject,
                                          const reports::ReplayFile& original,
                                          std::uint64_t max_runs, bool keep_chrome_trace,
                                          const harness::IsolationLimits& limits,
                                          std::string& error);

}  // namespace lockstep::runner
