// The pattern suites' probes: combinations, and what each family's suite expects.
#include "conformance/patterns/pattern_probes.h"

namespace lockstep::conformance {

namespace {

using harness::Probe;

constexpr ClientPattern kClients[] = {ClientPattern::async_result, ClientPattern::event_based,
                                      ClientPattern::task_based, ClientPattern::channel};
constexpr ServicePattern kServices[] = {ServicePattern::begin_end, ServicePattern::event_based,
                                        ServicePattern::task_based, ServicePattern::synchronous};

// Probe order in coverage_probe.h: by client pattern, then service pattern, as in the tables
// above; the baseline pair (last of all) has none.
constexpr Probe kFirstCombination = Probe::async_result_client_to_begin_end_service;
static_assert(static_cast<std::size_t>(kFirstCombination) + 14 ==
                  static_cast<std::size_t>(Probe::channel_client_to_task_based_service),
              "fifteen combination probes, in client then service order");

constexpr Probe kAsyncResultProbes[] = {
    Probe::begin_completed_synchronously, Probe::begin_callback_on_other_thread_before_return,
    Probe::callback_after_begin_returned, Probe::wait_handle_before_completion,
    Probe::end_before_completion,         Probe::end_in_callback,
    Probe::end_of_failed_operation,       Probe::second_end,
};

constexpr Probe kEventBasedProbes[] = {
    Probe::completed_of_synchronous_start,
    Probe::completed_posted_from_worker,
    Probe::progress_event,
    Probe::failed_completed_event,
    Probe::cancelled_completed_event,
    Probe::cancel_racing_completion,
    Probe::cancel_after_completed_event,
    Probe::cancel_of_unknown_user_state,
    Probe::single_invocation_call_while_busy,
    Probe::duplicate_user_state_while_in_flight,
    Probe::is_busy_while_in_flight,
    Probe::is_busy_after_completed,
};

constexpr Probe kTaskBasedProbes[] = {
    Probe::task_left_alone,
    Probe::task_precancelled_token,
    Probe::task_cancelled_while_running,
    Probe::task_stopped_by_cancellation,
    Probe::task_completed_despite_cancellation,
    Probe::task_synchronous_failure,
    Probe::asynchronous_continuation_before_completion,
    Probe::continuation_after_completion,
};

constexpr Probe kExchangeProbes[] = {Probe::start_argument_error, Probe::one_way_call,
                                     Probe::call_failed_in_exchange};

template <std::size_t N>
void append(std::vector<Probe>& probes, const Probe (&more)[N]) {
  probes.insert(probes.end(), more, more + N);
}

}  // namespace

std::optional<harness::Probe> combination_probe(PatternCombination combination) {
  if (combination.client == ClientPattern::channel &&
      combination.service == ServicePattern::synchronous) {
    return std::nullopt;
  }
  const auto index = static_cast<std::size_t>(combination.client) * 4 +
                     static_cast<std::size_t>(combination.service);
  return static_cast<Probe>(static_cast<std::size_t>(kFirstCombination) + index);
}

std::vector<PatternCombination> family_combinations(PatternFamily family, PatternRoles roles) {
  std::vector<PatternCombination> combinations;
  for (const ClientPattern client : kClients) {
    for (const ServicePattern service : kServices) {
      if ((roles.client && client == client_pattern_of(family)) ||
          (roles.service && service == service_pattern_of(family))) {
        combinations.push_back(PatternCombination{client, service});
      }
    }
  }
  return combinations;
}

std::vector<harness::Probe> pattern_suite_probes(PatternFamily family, PatternRoles roles) {
  std::vector<Probe> probes;
  switch (family) {
    case PatternFamily::async_result:
      append(probes, kAsyncResultProbes);
      break;
    case PatternFamily::event_based:
      append(probes, kEventBasedProbes);
      break;
    case PatternFamily::task_based:
      append(probes, kTaskBasedProbes);
      break;
  }
  append(probes, kExchangeProbes);
  for (const PatternCombination combination : family_combinations(family, roles)) {
    probes.push_back(*combination_probe(combination));
  }
  return probes;
}

}  // namespace lockstep::conformance
