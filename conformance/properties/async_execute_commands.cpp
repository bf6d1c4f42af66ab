// What each async-execute command does to the model and, on the caller fiber, to the chains.
#include "conformance/properties/async_execute_model.h"

namespace lockstep::conformance {

std::ostream& operator<<(std::ostream& os, const AsyncChainStep& step) {
  return os << step.to_text();
}

}  // namespace lockstep::conformance

namespace lockstep::conformance::properties {

void StartChainCommand::checkPreconditions(const AsyncExecuteModel& model) const {
  RC_PRE(model.chains < AsyncExecuteModel::kMaxChains);
}

void StartChainCommand::apply(AsyncExecuteModel& model) const {
  ++model.chains;
  if (leave_in_flight) {
    ++model.in_flight;
  }
}

void StartChainCommand::run(const AsyncExecuteModel& /*model*/, AsyncExecuteSystem& system) const {
  const AsyncChainScript chain = script;
  const bool await = !leave_in_flight;
  system.run_on_caller(
      [chain, await](AsyncExecuteCaller& caller) { caller.start_chain(chain, await); });
}

void StartChainCommand::show(std::ostream& os) const {
  os << "StartChain(" << script.to_text() << (leave_in_flight ? ", left in flight)" : ", awaited)");
}

void AwaitChainsCommand::checkPreconditions(const AsyncExecuteModel& model) const {
  RC_PRE(model.in_flight > 0);
}

void AwaitChainsCommand::apply(AsyncExecuteModel& model) const {
  model.in_flight = 0;
}

void AwaitChainsCommand::run(const AsyncExecuteModel& /*model*/, AsyncExecuteSystem& system) const {
  system.run_on_caller([](AsyncExecuteCaller& caller) { caller.await_all(); });
}

void AwaitChainsCommand::show(std::ostream& os) const {
  os << "AwaitChains";
}

void AsyncExecutePauseCommand::run(const AsyncExecuteModel& /*model*/,
                                   AsyncExecuteSystem& system) const {
  const std::uint64_t duration = duration_ns;
  system.run_on_caller(
      [duration](AsyncExecuteCaller& caller) { caller.simulation->sleep_for(duration); });
}

void AsyncExecutePauseCommand::show(std::ostream& os) const {
  os << "Pause(" << duration_ns << " ns)";
}

}  // namespace lockstep::conformance::properties
