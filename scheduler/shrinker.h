// Shrinking a failing schedule's decision log to a smaller one that fails the same way.
//
// The schedule is a function of its decision log (given the scenario and seed), so shrinking
// the log shrinks the schedule: fewer steps, fewer faults, earlier choices. Edits are tried
// from the most to the least effective (delete chunks of halving size, set runs of values to
// 0, then single values to 0, half, one less); each edited log runs under the guided
// strategy, and is kept if the run still fails with the same verdict, in which case the log
// the run actually consumed becomes the new candidate (so logs never carry unused
// decisions). Deterministic:
// the same input gives the same output. Bounded by a number of runs.
//
// An edit often sends the guided run far off its old path: answering "first candidate" to
// everything can keep a polling loop spinning until the step budget, a million decisions
// later. Such a run is never adopted (it is heavier than the best log), so each probe is
// told the decision count at which its run can no longer win; the probe may stop the run
// there (the guided strategy's `decision_budget`) without changing any result.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "scheduler/decision_log.h"

namespace lockstep {

struct ShrinkAttempt {
  bool still_fails = false;  ///< the same verdict (for example: the same rule) as the original
  DecisionLog consumed;      ///< the decisions the run actually took
};

/// Runs the schedule guided by `log` and says whether it still fails the same way. A run that
/// reaches `decision_budget` decisions cannot be adopted, so the probe may stop it there
/// (make_guided_strategy(log, decision_budget) does); the confirming first run gets no budget
/// (UINT64_MAX).
using ShrinkProbe =
    std::function<ShrinkAttempt(const DecisionLog& log, std::uint64_t decision_budget)>;

struct ShrinkResult {
  DecisionLog log;         ///< the smallest failing log found
  std::uint64_t runs = 0;  ///< probes spent
  std::size_t original_size = 0;
  bool reproduced = false;  ///< false if even the original log did not fail under guidance
};

/// `max_runs` bounds the work; the result is valid whenever it stops.
ShrinkResult shrink_decision_log(const DecisionLog& failing, const ShrinkProbe& probe,
                                 std::uint64_t max_runs = 2000);

/// A size that orders logs: fewer decisions first, then smaller values.
std::uint64_t decision_log_weight(const DecisionLog& log);

/// The fewest decisions of any log at least as heavy as `log`: a probe's run that reaches this
/// count cannot replace `log` as the best.
std::uint64_t decisions_that_cannot_win(const DecisionLog& log);

}  // namespace lockstep
