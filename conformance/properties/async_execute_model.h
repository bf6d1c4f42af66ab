// The async-execute chains property's model and commands.
//
// The model is what the caller can know without asking the implementation: how many chains
// its commands started and how many it left in flight. It exists for the preconditions, so
// that shrinking drops an AwaitChains with nothing left to await, and to bound a case's
// chains. The rule verdicts come from the AsyncChainDriver's steps and checks and from the
// call monitor, not from the model. Commands are immutable values; their generated fields
// (the chain's script: context, WS_ERROR, its steps) are drawn in the constructor and shrink
// like any RapidCheck value: a shorter step list, a synchronous S_OK step, no long chain.
#pragma once

#include <cstdint>
#include <ostream>
#include <utility>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "conformance/properties/async_execute_system.h"
#include "conformance/properties/property_generators.h"

namespace lockstep::conformance {

/// How RapidCheck shows a generated step in a counterexample.
std::ostream& operator<<(std::ostream& os, const AsyncChainStep& step);

}  // namespace lockstep::conformance

namespace lockstep::conformance::properties {

struct AsyncExecuteModel {
  static constexpr std::size_t kMaxChains = 8;
  static constexpr std::size_t kMaxSteps = 6;
  std::size_t chains = 0;     ///< StartChain commands so far
  std::size_t in_flight = 0;  ///< chains started and not yet awaited
};

using AsyncExecuteCommand = rc::state::Command<AsyncExecuteModel, AsyncExecuteSystem>;

/// One step: sync, later (from a worker) or early (completed on a worker while it runs),
/// mostly S_OK; shrinks toward a synchronous S_OK step.
inline rc::Gen<AsyncChainStep> generate_chain_step() {
  return rc::gen::map(rc::gen::pair(full_range(0, 3), full_range(0, 4)),
                      [](const std::pair<int, int>& drawn) {
                        AsyncChainStep step;
                        step.mode = drawn.first == 0   ? AsyncStepMode::synchronous
                                    : drawn.first == 1 ? AsyncStepMode::later
                                                       : AsyncStepMode::early;
                        step.result = drawn.second == 3 ? WS_E_OTHER : S_OK;
                        return step;
                      });
}

/// A chain's script: mostly with a context; 1-6 steps, or now and then a long synchronous
/// chain. The steps are drawn for a long chain too (and ignored there), so that shrinking it to
/// a short chain keeps them: a counterexample found on a long chain shrinks to a few steps.
inline AsyncChainScript generate_chain_script() {
  AsyncChainScript script;
  script.long_synchronous = generate_chance(1, 8);
  script.with_context = !generate_chance(1, 4);
  script.with_error = *rc::gen::arbitrary<bool>();
  script.steps = *rc::gen::nonEmpty(
      rc::gen::resize(static_cast<int>(AsyncExecuteModel::kMaxSteps),
                      rc::gen::container<std::vector<AsyncChainStep>>(generate_chain_step())));
  return script;
}

/// The caller starts a chain through WsAsyncExecute; it waits for it, or leaves it in flight
/// while its next commands run.
struct StartChainCommand : AsyncExecuteCommand {
  AsyncChainScript script = generate_chain_script();
  bool leave_in_flight = *rc::gen::arbitrary<bool>();  ///< shrinks to awaiting it
  void checkPreconditions(const AsyncExecuteModel& model) const override;
  void apply(AsyncExecuteModel& model) const override;
  void run(const AsyncExecuteModel& model, AsyncExecuteSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The caller waits for every chain it left in flight.
struct AwaitChainsCommand : AsyncExecuteCommand {
  void checkPreconditions(const AsyncExecuteModel& model) const override;
  void apply(AsyncExecuteModel& model) const override;
  void run(const AsyncExecuteModel& model, AsyncExecuteSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The caller sleeps: completions of chains in flight run before its next command.
struct AsyncExecutePauseCommand : AsyncExecuteCommand {
  std::uint64_t duration_ns = generate_one_of<std::uint64_t>({0, 100'000, 1'000'000, 5'000'000});
  void run(const AsyncExecuteModel& model, AsyncExecuteSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The generator of one command for a model state (for rc::state::gen::commands).
inline auto async_execute_command_generator() {
  // Listed more than once: drawn more often. Chains are what the property is about.
  return rc::state::gen::execOneOfWithArgs<StartChainCommand, StartChainCommand, StartChainCommand,
                                           AwaitChainsCommand, AsyncExecutePauseCommand>();
}

/// The settings a case starts with.
inline AsyncExecuteCaseSettings generate_async_execute_settings() {
  AsyncExecuteCaseSettings settings;
  settings.worker_threads = static_cast<std::uint32_t>(*full_range(1, 4));
  return settings;
}

}  // namespace lockstep::conformance::properties
