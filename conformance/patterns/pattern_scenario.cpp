// The draws of pattern schedules. Their order is part of every replay file: keep it stable.
#include "conformance/patterns/pattern_scenario.h"

namespace lockstep::conformance {

namespace {

constexpr std::uint64_t kMillisecondNs = 1'000'000;

}  // namespace

PatternCombination PatternScenario::combination(PatternFamily family, bool client_role,
                                                bool service_role) {
  static constexpr ServicePattern kServices[] = {
      ServicePattern::begin_end, ServicePattern::event_based, ServicePattern::task_based,
      ServicePattern::synchronous};
  static constexpr ClientPattern kClients[] = {ClientPattern::async_result,
                                               ClientPattern::event_based,
                                               ClientPattern::task_based, ClientPattern::channel};
  PatternCombination combination;
  if (client_role != service_role) {
    // One role only: that role against the four patterns of the other side.
    const std::uint64_t index = simulation_.integer(4);
    combination.client = client_role ? client_pattern_of(family) : kClients[index];
    combination.service = client_role ? kServices[index] : service_pattern_of(family);
    return combination;
  }
  const std::uint64_t index = simulation_.integer(7);
  if (index < 4) {
    combination.client = client_pattern_of(family);
    combination.service = kServices[index];
    return combination;
  }
  // The other three client patterns, in table order, against the family's service.
  std::uint64_t other = index - 4;
  for (const ClientPattern client : kClients) {
    if (client == client_pattern_of(family)) {
      continue;
    }
    if (other-- == 0) {
      combination.client = client;
      break;
    }
  }
  combination.service = service_pattern_of(family);
  return combination;
}

std::uint32_t PatternScenario::worker_threads() {
  return static_cast<std::uint32_t>(1 + simulation_.integer(3));
}

std::uint32_t PatternScenario::client_count() {
  return static_cast<std::uint32_t>(1 + simulation_.integer(2));
}

std::uint32_t PatternScenario::calls_per_client() {
  return static_cast<std::uint32_t>(1 + simulation_.integer(4));
}

bool PatternScenario::one_way() {
  return simulation_.chance(1, 6);
}

std::uint64_t PatternScenario::pause_between_calls_ns() {
  static constexpr std::uint64_t kPausesNs[] = {0, 0, 20'000, 2 * kMillisecondNs};
  return kPausesNs[simulation_.integer(4)];
}

ClientCallPlan PatternScenario::client_call_plan(ClientPattern pattern) {
  ClientCallPlan plan;
  plan.one_way = one_way();
  switch (pattern) {
    case ClientPattern::async_result:
      plan.async_result = async_result_plan(PatternRole::client);
      break;
    case ClientPattern::event_based:
      plan.event_based = event_plan(PatternRole::client);
      break;
    case ClientPattern::task_based:
      plan.task_based = task_plan(PatternRole::client);
      break;
    case ClientPattern::channel:
      break;
  }
  return plan;
}

AsyncResultPlan PatternScenario::async_result_plan(PatternRole role) {
  AsyncResultPlan plan;
  plan.with_callback = simulation_.chance(3, 4);
  if (plan.with_callback) {
    plan.end_from = static_cast<AsyncResultPlan::EndFrom>(simulation_.integer(3));
  } else {
    plan.end_from = static_cast<AsyncResultPlan::EndFrom>(1 + simulation_.integer(2));
  }
  plan.second_end = simulation_.chance(1, 4);
  plan.invalid_request = role == PatternRole::client && simulation_.chance(1, 16);
  return plan;
}

EventPlan PatternScenario::event_plan(PatternRole role) {
  EventPlan plan;
  if (role == PatternRole::service) {
    // The dispatcher: one call per request, a unique userState, now and then a cancel.
    plan.with_progress = simulation_.chance(1, 2);
    plan.cancel_at_start = simulation_.chance(1, 10);
    return plan;
  }
  plan.single_invocation = simulation_.chance(1, 6);
  plan.with_progress = simulation_.chance(3, 4);
  plan.cancel_at_start = simulation_.chance(1, 6);
  plan.cancel_later = simulation_.chance(1, 6);
  plan.try_duplicate = simulation_.chance(1, 4);
  plan.try_single_while_busy = simulation_.chance(1, 6);
  plan.cancel_unknown = simulation_.chance(1, 6);
  plan.invalid_request = simulation_.chance(1, 16);
  static constexpr std::uint64_t kPausesNs[] = {0, 100'000, 2 * kMillisecondNs};
  plan.pause_ns = kPausesNs[simulation_.integer(3)];
  return plan;
}

TaskPlan PatternScenario::task_plan(PatternRole role) {
  TaskPlan plan;
  static constexpr TaskPlan::Token kTokens[] = {TaskPlan::Token::none,
                                                TaskPlan::Token::none,
                                                TaskPlan::Token::none,
                                                TaskPlan::Token::untouched,
                                                TaskPlan::Token::untouched,
                                                TaskPlan::Token::precancelled,
                                                TaskPlan::Token::cancelled_while_running,
                                                TaskPlan::Token::cancelled_while_running};
  plan.token = kTokens[simulation_.integer(8)];
  plan.await = static_cast<TaskPlan::Await>(simulation_.integer(4));
  plan.untouched_first = simulation_.chance(1, 4);
  plan.invalid_request = role == PatternRole::client && simulation_.chance(1, 16);
  return plan;
}

UnderlyingMode PatternScenario::mode(bool with_context) {
  if (!with_context) {
    return simulation_.chance(1, 10) ? UnderlyingMode::synchronous_failure
                                     : UnderlyingMode::synchronous;
  }
  static constexpr UnderlyingMode kModes[] = {
      UnderlyingMode::synchronous, UnderlyingMode::synchronous,
      UnderlyingMode::later,       UnderlyingMode::later,
      UnderlyingMode::later,       UnderlyingMode::later,
      UnderlyingMode::later,       UnderlyingMode::early,
      UnderlyingMode::early,       UnderlyingMode::synchronous_failure};
  return kModes[simulation_.integer(10)];
}

UnderlyingMode PatternScenario::channel_mode(bool with_context) {
  return mode(with_context);
}

WorkChoice PatternScenario::work_choice(bool with_context, bool with_token) {
  WorkChoice choice;
  choice.mode = mode(with_context);
  choice.fails = simulation_.chance(1, 5);
  choice.honours_cancellation = with_token && simulation_.chance(3, 4);
  choice.delay_ns = simulation_.integer(2 * kMillisecondNs);
  return choice;
}

}  // namespace lockstep::conformance
