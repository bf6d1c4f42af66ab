// Building the pattern-calls property's world and finishing its schedule.
#include "conformance/properties/patterns_system.h"

#include "conformance/properties/property_case.h"

namespace lockstep::conformance::properties {

std::string PatternCaseSettings::to_text() const {
  return std::string(pattern_family_name(family)) + ": " + client_pattern_name(combination.client) +
         " against " + service_pattern_name(combination.service);
}

PatternSystem::PatternSystem(const lockstep_implementation& implementation,
                             std::uint64_t schedule_seed, const PatternCaseSettings& settings,
                             std::unique_ptr<Strategy> strategy) {
  harness::WorldConfig config;
  config.seed = schedule_seed;
  config.fault_plan = property_fault_plan(schedule_seed);
  config.keep_trace_events = false;
  config.max_steps = 400'000;
  world_ = std::make_unique<PatternWorld>(
      implementation, std::nullopt, settings.combination, config,
      strategy != nullptr ? std::move(strategy) : strategy_for_seed(schedule_seed));
  caller_.world = world_.get();
  caller_.client = &world_->add_client();
  mailbox_ = std::make_unique<CallerMailbox>(world_->world());
  run_on_caller([](PatternCaller& caller) { caller.client->open(); });
}

PatternSystem::~PatternSystem() {
  // The caller fiber runs in the mailbox and the client: unwind it before either goes.
  world_->world().simulation().shutdown();
}

void PatternSystem::run_on_caller(std::function<void(PatternCaller&)> action) {
  mailbox_->issue([this, action = std::move(action)] { action(caller_); });
}

harness::ScheduleOutcome PatternSystem::finish() {
  mailbox_->finish([this] { caller_.client->close(); });
  return world_->world().outcome();
}

std::uint64_t PatternSystem::calls() const {
  return world_->ledger().calls().size();
}

}  // namespace lockstep::conformance::properties
