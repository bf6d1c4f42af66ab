// The suite table.
#include "conformance/registry/suites.h"

#include "conformance/async_execute/async_execute_schedule.h"
#include "conformance/channel/channel_schedule.h"
#include "conformance/service/service_schedule.h"
#include "conformance/scenarios/echo_scenario.h"

namespace lockstep::conformance {

namespace {

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
      }});
  all.push_back(Suite{
      "channel",
      "client channel lifecycle: misuse before open, open, concurrent sends, receives and "
      "request-replies with generated caller behaviour, self and injected aborts, session ends, "
      "drops, close; checks AM1-AM9, AM11, CH1-CH7 and RS1 (everything released once freed)",
      {"AM1", "AM2", "AM3", "AM4", "AM5", "AM6", "AM7", "AM8", "AM9", "AM11", "CH1", "CH2", "CH3",
       "CH4", "CH5", "CH6", "CH7", "RS1"},
      [](const Implementation& implementation) {
        return implementation.table != nullptr && implementation.table->channel != nullptr;
      },
      [](const Implementation& implementation, std::uint64_t seed,
         std::unique_ptr<Strategy> strategy, const harness::ScheduleOptions& options) {
        return static_cast<harness::ScheduleOutcome>(
            run_channel_schedule(*implementation.table, seed, std::move(strategy), options));
      }});
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
      }});
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
      }});
  return all;
}

}  // namespace

const std::vector<Suite>& suites() {
  static const std::vector<Suite> all = build_suites();
  return all;
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
