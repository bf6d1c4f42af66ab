// The suite table.
#include "conformance/registry/suites.h"

#include "conformance/async_execute/async_execute_schedule.h"
#include "conformance/channel/channel_schedule.h"
#include "conformance/patterns/pattern_probes.h"
#include "conformance/patterns/pattern_schedule.h"
#include "conformance/scenarios/echo_scenario.h"
#include "conformance/service/service_schedule.h"

namespace lockstep::conformance {

namespace {

using harness::Probe;

// What the call monitor sees of any suite's calls. (A failing asynchronous completion with a
// WS_ERROR is expected only where the calls of the scenario can fail: not of a service host's
// open and close.)
constexpr Probe kCallProbes[] = {Probe::null_context_call, Probe::sync_completion_with_context,
                                 Probe::async_completion, Probe::callback_where_long_offered,
                                 Probe::callback_where_short_required};

std::vector<Probe> call_probes(std::initializer_list<Probe> more) {
  std::vector<Probe> probes;
  for (const Probe probe : kCallProbes) {
    probes.push_back(probe);
  }
  for (const Probe probe : more) {
    probes.push_back(probe);
  }
  return probes;
}

// A pattern suite: the family's part in both roles, against every pattern on the other side.
Suite pattern_suite(PatternFamily family, std::string description, std::vector<std::string> rules,
                    std::uint64_t pct_estimated_steps) {
  return Suite{
      pattern_family_name(family), std::move(description), std::move(rules),
      [family](const Implementation& implementation) {
        return implementation.table != nullptr && provides_pattern(*implementation.table, family);
      },
      [family](const Implementation& implementation, std::uint64_t seed,
               std::unique_ptr<Strategy> strategy, const harness::ScheduleOptions& options) {
        return static_cast<harness::ScheduleOutcome>(run_pattern_schedule(
            *implementation.table, family, seed, std::move(strategy), options));
      },
      pct_estimated_steps,
      pattern_suite_probes(family, PatternRoles{true, true}),
      [family](const Implementation& implementation) {
        // Without the part (the suite does not apply) nothing runs: nothing is expected.
        return implementation.table == nullptr
                   ? std::vector<Probe>{}
                   : pattern_suite_probes(family, pattern_roles(*implementation.table, family));
      }};
}

std::vector<Suite> build_suites() {
  std::vector<Suite> all;
  all.push_back(Suite{
      "async-execute",
      "WsAsyncExecute chains: scripted steps completing synchronously, later or early, with "
      "failures, long synchronous chains; checks AM10, AM12 (early completions of steps) and the "
      "monitor's AM1-AM8",
      {"AM1", "AM2", "AM3", "AM4", "AM5", "AM6", "AM7", "AM8", "AM10", "AM11", "AM12"},
      [](const Implementation& implementation) {
        return implementation.table != nullptr && implementation.table->async_execute != nullptr;
      },
      [](const Implementation& implementation, std::uint64_t seed,
         std::unique_ptr<Strategy> strategy, const harness::ScheduleOptions& options) {
        return static_cast<harness::ScheduleOutcome>(run_async_execute_schedule(
            *implementation.table, seed, std::move(strategy), options));
      },
      /*pct_estimated_steps=*/35,
      call_probes({Probe::failure_with_error_object, Probe::call_pending_at_heal,
                   Probe::chain_step_asynchronous,
                   Probe::chain_step_completed_before_return, Probe::chain_step_after_failure,
                   Probe::chain_long_synchronous})});
  all.push_back(pattern_suite(
      PatternFamily::async_result,
      "IAsyncResult pattern: Begin/End as client proxy (against Begin/End, event-based, "
      "task-returning and synchronous services) and as service (called by IAsyncResult, "
      "event-based, task-based and plain channel clients); callbacks or End from the caller, "
      "second Ends, argument errors, channels and work completing synchronously, later, early "
      "or refusing; checks AP1-AP5 and MX1",
      {"AP1", "AP2", "AP3", "AP4", "AP5", "MX1"}, /*pct_estimated_steps=*/276));
  all.push_back(Suite{
      "channel",
      "client channel lifecycle: misuse before open, open, concurrent sends, receives and "
      "request-replies with generated caller behaviour, callbacks that start the next send, abort "
      "or close their own channel or (under LONG) wait for another call, self and injected "
      "aborts, session ends, drops, close; checks AM1-AM9, AM11, CH1-CH7 and RS1 (everything "
      "released once freed)",
      {"AM1", "AM2", "AM3", "AM4", "AM5", "AM6", "AM7", "AM8", "AM9", "AM11", "CH1", "CH2", "CH3",
       "CH4", "CH5", "CH6", "CH7", "RS1"},
      [](const Implementation& implementation) {
        return implementation.table != nullptr && implementation.table->channel != nullptr;
      },
      [](const Implementation& implementation, std::uint64_t seed,
         std::unique_ptr<Strategy> strategy, const harness::ScheduleOptions& options) {
        return static_cast<harness::ScheduleOutcome>(
            run_channel_schedule(*implementation.table, seed, std::move(strategy), options));
      },
      /*pct_estimated_steps=*/136,
      call_probes({Probe::failure_with_error_object, Probe::io_limit_reached,
                   Probe::call_pending_at_heal, Probe::callback_on_other_thread_before_return, Probe::misuse_before_open,
                   Probe::second_open, Probe::abort_with_operations_queued,
                   Probe::abort_with_io_in_flight, Probe::abort_of_open_channel,
                   Probe::call_on_faulted_channel, Probe::close_with_operations_in_flight,
                   Probe::close_failed_graceful_shutdown, Probe::close_of_closed_channel,
                   Probe::open_refused, Probe::drop_during_send, Probe::drop_during_receive,
                   Probe::drop_during_request_reply, Probe::drop_during_close,
                   Probe::session_end_during_receive, Probe::receive_over_quota,
                   Probe::callback_starts_next_operation, Probe::callback_aborts_its_channel,
                   Probe::callback_closes_its_channel})});
  all.push_back(Suite{
      "echo",
      "connect, echo calls with generated caller behaviour (NULL or stack context, WS_ERROR or "
      "none, in flight or awaited), injected aborts and network faults",
      {"AM1", "AM2", "AM3", "AM4", "AM5", "AM6", "AM7", "AM8", "AM9", "AM11"},
      [](const Implementation& implementation) {
        return implementation.archetype_defects.has_value();
      },
      [](const Implementation& implementation, std::uint64_t seed,
         std::unique_ptr<Strategy> strategy, const harness::ScheduleOptions& options) {
        EchoImplementation echo;
        echo.name = implementation.name;
        echo.defects = *implementation.archetype_defects;
        return static_cast<harness::ScheduleOutcome>(
            run_echo_schedule(echo, seed, std::move(strategy), options));
      },
      /*pct_estimated_steps=*/65,
      call_probes({Probe::failure_with_error_object, Probe::call_pending_at_heal})});
  all.push_back(pattern_suite(
      PatternFamily::event_based,
      "event-based pattern: MethodAsync/Completed/CancelAsync/IsBusy as client proxy on a "
      "captured single-threaded context and as service, against every pattern on the other "
      "side; duplicate and NULL userStates while busy, cancels early, late and of unknown "
      "states, progress handlers; checks EV1-EV7 and MX1",
      {"EV1", "EV2", "EV3", "EV4", "EV5", "EV6", "EV7", "MX1"}, /*pct_estimated_steps=*/248));
  all.push_back(Suite{
      "service",
      "service host: clients with several requests, operations completing synchronously or "
      "asynchronously, failing with secrets in their errors, returning WS_S_END, registering "
      "cancel and free-state callbacks; drops, host abort and close; checks SV1-SV7 and RS1",
      {"AM1", "AM2", "AM3", "AM4", "AM5", "AM6", "AM7", "AM11", "SV1", "SV2", "SV3", "SV4", "SV5",
       "SV6", "SV7", "RS1"},
      [](const Implementation& implementation) {
        return implementation.table != nullptr && implementation.table->service_host != nullptr;
      },
      [](const Implementation& implementation, std::uint64_t seed,
         std::unique_ptr<Strategy> strategy, const harness::ScheduleOptions& options) {
        return static_cast<harness::ScheduleOutcome>(
            run_service_schedule(*implementation.table, seed, std::move(strategy), options));
      },
      /*pct_estimated_steps=*/136,
      call_probes({Probe::call_pending_at_heal, Probe::service_operation_synchronous, Probe::service_operation_asynchronous,
                   Probe::fault_under_minimal_disclosure, Probe::fault_under_full_disclosure,
                   Probe::operation_returned_end, Probe::message_after_end,
                   Probe::cancel_on_host_abort, Probe::cancel_on_channel_faulted,
                   Probe::cancel_during_registration, Probe::host_abort_with_calls_in_flight,
                   Probe::host_close_with_calls_in_flight,
                   Probe::close_timeout_expired_with_calls_in_flight, Probe::connect_after_close,
                   Probe::reply_from_heap})});
  all.push_back(pattern_suite(
      PatternFamily::task_based,
      "task-based pattern: tasks as client proxy and as task-returning service, against every "
      "pattern on the other side; tokens none, pre-cancelled or cancelled while running, "
      "continuations inline or asynchronous, before or after completion, waits, tasks left "
      "alone; checks TK1-TK5 and MX1",
      {"TK1", "TK2", "TK3", "TK4", "TK5", "MX1"}, /*pct_estimated_steps=*/267));
  return all;
}

}  // namespace

const std::vector<Suite>& suites() {
  static const std::vector<Suite> all = build_suites();
  return all;
}

std::vector<std::string> suites_checking(std::string_view rule) {
  std::vector<std::string> names;
  for (const Suite& suite : suites()) {
    for (const std::string& checked : suite.rules) {
      if (checked == rule) {
        names.push_back(suite.name);
        break;
      }
    }
  }
  return names;
}

std::vector<harness::Probe> expected_probes(const Suite& suite,
                                            const Implementation& implementation) {
  return suite.probes_for ? suite.probes_for(implementation) : suite.probes;
}

const Suite* find_suite(std::string_view name) {
  for (const Suite& suite : suites()) {
    if (suite.name == name) {
      return &suite;
    }
  }
  return nullptr;
}

}  // namespace lockstep::conformance
