// The choices of a pattern schedule, drawn through the simulation.
//
// Why it exists: every choice of a pattern schedule (which patterns face each other, how many
// clients and calls, each call's plan, how each underlying operation completes) is a decision
// of the schedule's log, so a failure replays from its seed and the shrinker can edit it. The
// drivers never draw: they take the plans (pattern_plans.h). Draws happen in the order the
// schedule asks for them; keep each function's draws stable, they are part of every replay.
// Ratios are integer chances, never floats.
#pragma once

#include <cstdint>

#include "conformance/patterns/pattern_exchange.h"
#include "conformance/patterns/pattern_plans.h"
#include "scheduler/simulation.h"

namespace lockstep::conformance {

class PatternScenario {
 public:
  explicit PatternScenario(Simulation& simulation) : simulation_(simulation) {}

  /// One of the seven combinations with `family` on at least one side: its client against
  /// each of the four service patterns, or each other client pattern against its service.
  /// A part with one role only (`client_role` or `service_role` false) gets the four
  /// combinations of the role it has.
  PatternCombination combination(PatternFamily family, bool client_role = true,
                                 bool service_role = true);
  std::uint32_t worker_threads();    ///< 1..3 for a host
  std::uint32_t client_count();      ///< 1..2
  std::uint32_t calls_per_client();  ///< 1..4
  bool one_way();                    ///< 1 in 6 calls
  std::uint64_t pause_between_calls_ns();
  /// A client call of `pattern`: one-way or not, and the plan of that pattern.
  ClientCallPlan client_call_plan(ClientPattern pattern);
  AsyncResultPlan async_result_plan(PatternRole role);
  EventPlan event_plan(PatternRole role);
  TaskPlan task_plan(PatternRole role);
  /// How the proxy's channel completes one request.
  UnderlyingMode channel_mode(bool with_context);
  /// What the service's work does for one call.
  WorkChoice work_choice(bool with_context, bool with_token);

 private:
  UnderlyingMode mode(bool with_context);
  Simulation& simulation_;
};

}  // namespace lockstep::conformance
