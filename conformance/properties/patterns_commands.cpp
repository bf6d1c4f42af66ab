// What each pattern-calls command does to the model and, on the caller fiber, to the client.
#include "conformance/properties/patterns_model.h"

#include <sstream>

namespace lockstep::conformance::properties {

namespace {

const char* mode_text(UnderlyingMode mode) {
  switch (mode) {
    case UnderlyingMode::synchronous:
      return "sync";
    case UnderlyingMode::later:
      return "later";
    case UnderlyingMode::early:
      return "early";
    case UnderlyingMode::synchronous_failure:
      return "refused";
  }
  return "?";
}

std::string async_result_text(const AsyncResultPlan& plan) {
  static const char* const kEnds[] = {"End in the callback", "End after the wait handle",
                                      "End at once"};
  std::string text = plan.with_callback ? "callback, " : "no callback, ";
  text += kEnds[static_cast<int>(plan.end_from)];
  text += plan.second_end ? ", second End" : "";
  return text;
}

std::string event_text(const EventPlan& plan) {
  std::string text = plan.single_invocation ? "NULL userState" : "own userState";
  text += plan.with_progress ? ", progress" : "";
  text += plan.cancel_at_start ? ", cancel at start" : "";
  text += plan.cancel_later ? ", cancel later" : "";
  text += plan.try_duplicate ? ", try the same userState" : "";
  text += plan.try_single_while_busy ? ", try NULL userState" : "";
  text += plan.cancel_unknown ? ", cancel an unknown userState" : "";
  text += plan.pause_ns > 0 ? ", pump " + std::to_string(plan.pause_ns) + " ns" : "";
  return text;
}

std::string task_text(const TaskPlan& plan) {
  static const char* const kTokens[] = {"no token", "token", "pre-cancelled token",
                                        "token cancelled while running"};
  static const char* const kAwaits[] = {"continuation", "asynchronous continuation", "wait",
                                        "continuation after completion"};
  std::string text = kTokens[static_cast<int>(plan.token)];
  text += std::string(", ") + kAwaits[static_cast<int>(plan.await)];
  text += plan.untouched_first ? ", left alone first" : "";
  return text;
}

}  // namespace

std::string call_text(ClientPattern pattern, const ClientCallPlan& plan,
                      const CallChoices& choices) {
  std::string text = plan.one_way ? "one-way" : "request/reply";
  bool invalid = false;
  switch (pattern) {
    case ClientPattern::async_result:
      text += ", " + async_result_text(plan.async_result);
      invalid = plan.async_result.invalid_request;
      break;
    case ClientPattern::event_based:
      text += ", " + event_text(plan.event_based);
      invalid = plan.event_based.invalid_request;
      break;
    case ClientPattern::task_based:
      text += ", " + task_text(plan.task_based);
      invalid = plan.task_based.invalid_request;
      break;
    case ClientPattern::channel:
      break;
  }
  text += invalid ? ", argument error" : "";
  text += std::string("; channel ") + mode_text(choices.channel_mode) + "; work " +
          mode_text(choices.work.mode) + (choices.work.fails ? " failing" : "") +
          (choices.work.honours_cancellation ? "" : " ignoring cancellation");
  return text;
}

PatternCallCommand::PatternCallCommand(const PatternModel& model) : pattern(model.client) {
  plan.one_way = generate_chance(1, 6);
  // Only the plan of the case's pattern is used: generate just that one, so it shrinks.
  switch (pattern) {
    case ClientPattern::async_result:
      plan.async_result = generate_async_result_plan();
      break;
    case ClientPattern::event_based:
      plan.event_based = generate_event_plan();
      break;
    case ClientPattern::task_based:
      plan.task_based = generate_task_plan();
      break;
    case ClientPattern::channel:
      break;
  }
  choices.channel_mode = generate_underlying_mode();
  choices.work.mode = generate_underlying_mode();
  choices.work.fails = generate_chance(1, 5);
  choices.work.honours_cancellation = !generate_chance(1, 4);
  choices.work.delay_ns = generate_one_of<std::uint64_t>({0, 100'000, 1'000'000});
}

void PatternCallCommand::checkPreconditions(const PatternModel& model) const {
  RC_PRE(model.calls < PatternModel::kMaxCalls);
}

void PatternCallCommand::apply(PatternModel& model) const {
  ++model.calls;
  ++model.unawaited;
}

void PatternCallCommand::run(const PatternModel& /*model*/, PatternSystem& system) const {
  const ClientCallPlan call_plan = plan;
  const CallChoices call_choices = choices;
  system.run_on_caller([call_plan, call_choices](PatternCaller& caller) {
    PatternCall& call = caller.client->new_call(call_plan.one_way);
    caller.world->set_call_choices(call, call_choices);
    caller.client->call(call, call_plan);
  });
}

void PatternCallCommand::show(std::ostream& os) const {
  os << "Call(" << call_text(pattern, plan, choices) << ")";
}

void AwaitCallsCommand::checkPreconditions(const PatternModel& model) const {
  RC_PRE(model.unawaited > 0);
}

void AwaitCallsCommand::apply(PatternModel& model) const {
  model.unawaited = 0;
}

void AwaitCallsCommand::run(const PatternModel& /*model*/, PatternSystem& system) const {
  system.run_on_caller([](PatternCaller& caller) { caller.client->await_all(); });
}

void AwaitCallsCommand::show(std::ostream& os) const {
  os << "AwaitCalls";
}

void PatternPauseCommand::run(const PatternModel& /*model*/, PatternSystem& system) const {
  const std::uint64_t duration = duration_ns;
  system.run_on_caller([duration](PatternCaller& caller) { caller.client->pause(duration); });
}

void PatternPauseCommand::show(std::ostream& os) const {
  os << "Pause(" << duration_ns << " ns)";
}

}  // namespace lockstep::conformance::properties
