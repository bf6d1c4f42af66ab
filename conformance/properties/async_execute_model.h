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
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "conformance/properties/async_execute_system.h"

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
  return rc::gen::build<AsyncChainStep>(
      rc::gen::set(&AsyncChainStep::mode,
                   rc::gen::element(AsyncStepMode::synchronous, AsyncStepMode::later,
                                    AsyncStepMode::early)),
      rc::gen::set(&AsyncChainStep::result,
                   rc::gen::weightedElement<HRESULT>({{3, S_OK}, {1, WS_E_OTHER}})));
}

/// A chain's script: mostly with a context; 1-6 steps, or now and then a long synchronous
/// chain. The steps are drawn for a long chain too (and ignored there), so that shrinking it to
/// a short chain keeps them: a counterexample found on a long chain shrinks to a few steps.
inline AsyncChainScript generate_chain_script() {
  AsyncChainScript script;
  script.long_synchronous = *rc::gen::weightedElement<bool>({{7, false}, {1, true}});
  script.with_context = *rc::gen::weightedElement<bool>({{3, true}, {1, false}});
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
  bool await_now = *rc::gen::element(true, false);  ///< shrinks to awaiting it
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
  std::uint64_t duration_ns = *rc::gen::element<std::uint64_t>(0, 100'000, 1'000'000, 5'000'000);
  void run(const AsyncExecuteModel& model, AsyncExecuteSystem& system) const override;
  void show(std::ostream& os) const override;
};

/// The generator of one command for a model state (for rc::state::gen::commands).
inline auto async_execute_command_generator() {
  // Listed more than once: drawn more often. Chains are what the property is about.
  return rc::state::gen::execOneOfWithArgs<StartChainCommand, StartChainCommand,
                                           StartChainCommand, AwaitChainsCommand,
                                           AsyncExecutePauseCommand>();
}

/// The settings a case starts with.
inline AsyncExecuteCaseSettings generate_async_execute_settings() {
  AsyncExecuteCaseSettings settings;
  settings.worker_threads = *rc::gen::inRange<std::uint32_t>(1, 4);
  return settings;
}

}  // namespace lockstep::conformance::properties
