// What the runner's worker processes do: run one schedule of one suite on one implementation,
// as a request, and answer with what the caller asked to know. Every schedule lockstep runs
// goes through here, in a worker process (process_pool.h, worker_client.h), never in the
// process that drives the run: the implementation's code, bundled or plugin, only ever runs in
// a process that may crash, hang or be killed without taking the run with it.
//
// Modes: `run` (a run's schedule, with the strategy: only its record comes back), `keep` (a
// kept failure re-run with the strategy: decisions, explanation, fault plan, Chrome trace, and
// when it failed what the implementation printed), `probe` (a shrink probe: an edited log
// followed where it fits, up to a decision budget: does the rule still break, and which log was
// consumed), `replay` (a recorded log followed exactly: everything `lockstep replay` shows),
// `guided` (a recorded log followed as far as it fits, as `replay` answers: a changed
// implementation re-run as near to the recorded schedule as it goes).
// A schedule is a pure function of (implementation, suite, seed, strategy or log), so the
// reply does not depend on which worker ran it or what it ran before.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/registry/implementations.h"
#include "runner/schedule_tasks.h"

namespace lockstep::runner {

struct ScheduleRequest {
  enum class Mode : char { run = 'r', keep = 'k', probe = 'p', replay = 'y', guided = 'g' };
  Mode mode = Mode::run;
  std::size_t implementation = 0;  ///< position among the worker's implementations
  std::size_t suite = 0;           ///< position in conformance::suites()
  std::uint64_t schedule_seed = 0;
  std::string strategy;   ///< run and keep: "random", "pct:3"
  std::string rule;       ///< probe and replay: the rule that must (still) break
  std::string decisions;  ///< probe and replay: the decision log, as text
  std::uint64_t decision_budget = UINT64_MAX;  ///< probe
  bool chrome_trace = false;                   ///< keep and replay: send the Chrome trace
  bool readable_trace = false;                 ///< replay: send the step-by-step trace
  bool verbose = false;                        ///< replay: every scheduler step in it

  std::string encode() const;
  static std::optional<ScheduleRequest> decode(std::string_view text);
};

struct ScheduleReply {
  ScheduleRecord record;     ///< its task number is 0: the caller knows which task it asked
  bool still_fails = false;  ///< probe and replay: the request's rule broke
  std::uint64_t steps = 0;
  std::string decisions;    ///< keep, probe and replay: the decision log consumed, as text
  std::string explanation;  ///< keep and replay: harness::WorldResult::summary()
  std::string fault_plan;   ///< keep and replay
  std::vector<std::string> violations;  ///< replay: each violation's text
  std::string chrome_trace;             ///< when asked
  std::string readable_trace;           ///< when asked
  std::string output_tail;  ///< keep (when it failed) and replay: what the schedule printed
  std::uint64_t output_bytes = 0;

  std::string encode() const;
  static std::optional<ScheduleReply> decode(std::string_view text);
};

/// The handler of a worker that runs schedules of `implementations` (which must outlive it).
std::function<std::string(std::string_view)> schedule_handler(
    const std::vector<const conformance::Implementation*>& implementations);

/// In a worker: carries out `request` on `implementations` (the caller's list, as the worker
/// inherited it) and encodes the reply: for a `run`, the ScheduleRecord line alone (the parent
/// of a run reads one per schedule), else a ScheduleReply. Throws std::runtime_error on a
/// request it cannot read.
std::string serve_schedule_request(
    const std::vector<const conformance::Implementation*>& implementations,
    std::string_view request);

}  // namespace lockstep::runner
