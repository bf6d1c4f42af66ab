// The pattern-calls property's model and commands.
//
// The model is what the client knows without asking the implementation: how many calls it
// made and how many since it last awaited them all. It exists for the preconditions (an
// AwaitCalls with nothing to await is dropped by shrinking) and to bound a case's calls. The
// verdicts come from the pattern drivers and the exchange ledger, not from the model. A Call
// carries everything generated about it: one-way or not, the plan of the client's pattern,
// how the harness's channel completes its request and how the service's work completes it;
// each shrinks toward the simplest (a request/reply, a plain plan, completions later, the work
// succeeding).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "conformance/properties/patterns_system.h"
#include "conformance/properties/property_generators.h"

namespace lockstep::conformance::properties {

struct PatternModel {
  static constexpr std::size_t kMaxCalls = 6;
  ClientPattern client = ClientPattern::channel;  ///< the case's client pattern (for show())
  std::size_t calls = 0;
  std::size_t unawaited = 0;
};

using PatternCommand = rc::state::Command<PatternModel, PatternSystem>;

inline UnderlyingMode generate_underlying_mode() {
  return generate_one_of<UnderlyingMode>({UnderlyingMode::later, UnderlyingMode::synchronous,
                                          UnderlyingMode::early,
                                          UnderlyingMode::synchronous_failure});
}

inline AsyncResultPlan generate_async_result_plan() {
  AsyncResultPlan plan;
  plan.with_callback = !generate_chance(1, 4);
  plan.end_from = static_cast<AsyncResultPlan::EndFrom>(*full_range(0, 3));
  plan.second_end = generate_chance(1, 4);
  plan.invalid_request = generate_chance(1, 16);
  return plan;
}

inline EventPlan generate_event_plan() {
  EventPlan plan;
  plan.single_invocation = generate_chance(1, 6);
  plan.with_progress = !generate_chance(1, 4);
  plan.cancel_at_start = generate_chance(1, 6);
  plan.cancel_later = generate_chance(1, 6);
  plan.try_duplicate = generate_chance(1, 4);
  plan.try_single_while_busy = generate_chance(1, 6);
  plan.cancel_unknown = generate_chance(1, 6);
  plan.invalid_request = generate_chance(1, 16);
  plan.pause_ns = generate_one_of<std::uint64_t>({0, 100'000, 2'000'000});
  return plan;
}

inline TaskPlan generate_task_plan() {
  TaskPlan plan;
  plan.token = generate_one_of<TaskPlan::Token>({TaskPlan::Token::none, TaskPlan::Token::untouched,
                                                 TaskPlan::Token::precancelled,
                                                 TaskPlan::Token::cancelled_while_running});
  plan.await = static_cast<TaskPlan::Await>(*full_range(0, 4));
  plan.untouched_first = generate_chance(1, 4);
  plan.invalid_request = generate_chance(1, 16);
  return plan;
}

/// The client makes one call; it is left in flight until the next AwaitCalls (or the end).
struct PatternCallCommand : PatternCommand {
  explicit PatternCallCommand(const PatternModel& model);

  ClientPattern pattern;  ///< the case's client pattern: which plan is used, and shown
  ClientCallPlan plan;
  CallChoices choices;

  void checkPreconditions(const PatternModel& model) const override;
  void apply(PatternModel& model) const override;
  void run(const PatternModel& model, PatternSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The client waits for every call it made.
struct AwaitCallsCommand : PatternCommand {
  void checkPreconditions(const PatternModel& model) const override;
  void apply(PatternModel& model) const override;
  void run(const PatternModel& model, PatternSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The client pauses (pumping its captured context): completions run meanwhile.
struct PatternPauseCommand : PatternCommand {
  std::uint64_t duration_ns = generate_one_of<std::uint64_t>({0, 100'000, 1'000'000, 5'000'000});
  void run(const PatternModel& model, PatternSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The generator of one command for a model state (for rc::state::gen::commands).
inline auto pattern_command_generator() {
  // Listed more than once: drawn more often. Calls are what the property is about.
  return rc::state::gen::execOneOfWithArgs<PatternCallCommand, PatternCallCommand,
                                           PatternCallCommand, AwaitCallsCommand,
                                           PatternPauseCommand>();
}

/// A call's plan and choices as one line (the part of the plan the client's pattern uses).
std::string call_text(ClientPattern pattern, const ClientCallPlan& plan,
                      const CallChoices& choices);

}  // namespace lockstep::conformance::properties
