// What every stateful property does with its command sequence outside RapidCheck's own
// runner: show it, start a case's record with it, and run it against a system while keeping
// the model in step.
//
// Why it exists: a property case runs its commands itself (not through rc::state::check) so
// that it can keep the World's outcome, decision log and trace hash for the report; the loop
// and the rendering are the same for every property.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <rapidcheck/state.h>

#include "conformance/properties/property_case.h"
#include "lockstep/implementation.h"

namespace lockstep::conformance::properties {

/// Each command's show() text, in order.
template <typename Command>
std::vector<std::string> show_commands(const rc::state::Commands<Command>& commands) {
  std::vector<std::string> shown;
  shown.reserve(commands.size());
  for (const auto& command : commands) {
    std::ostringstream text;
    command->show(text);
    shown.push_back(text.str());
  }
  return shown;
}

/// A case's record before it runs: which property, implementation, seed, settings, commands.
template <typename Command>
PropertyCase new_property_case(std::string property, const lockstep_implementation& implementation,
                               std::uint64_t schedule_seed, std::string settings,
                               const rc::state::Commands<Command>& commands) {
  PropertyCase run;
  run.property = std::move(property);
  run.implementation = implementation.name != nullptr ? implementation.name : "implementation";
  run.schedule_seed = schedule_seed;
  run.settings = std::move(settings);
  run.commands = show_commands(commands);
  return run;
}

/// Runs every command against `system` from an initial model; returns the final model.
template <typename Command, typename System>
typename Command::Model run_commands(const rc::state::Commands<Command>& commands, System& system) {
  typename Command::Model model{};
  for (const auto& command : commands) {
    command->run(model, system);
    command->apply(model);
  }
  return model;
}

}  // namespace lockstep::conformance::properties
