// What every stateful property does with its command sequence outside RapidCheck's own
// runner: show it, and run it against a system while keeping the model in step.
//
// Why it exists: a property case runs its commands itself (not through rc::state::check) so
// that it can keep the World's outcome, decision log and trace hash for the report; the loop
// and the rendering are the same for every property.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include <rapidcheck/state.h>

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
