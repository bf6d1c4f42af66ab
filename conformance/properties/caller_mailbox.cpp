// The caller fiber's mailbox loop and the stepping that hands it commands.
#include "conformance/properties/caller_mailbox.h"

namespace lockstep::conformance::properties {

CallerMailbox::CallerMailbox(harness::World& world) : world_(world) {
  world_.spawn_caller("caller", [this] { caller_loop(); });
  step_until_waiting();
}

void CallerMailbox::caller_loop() {
  Simulation& simulation = world_.simulation();
  caller_fiber_ = simulation.current_fiber();
  while (true) {
    waiting_ = true;
    while (!posted_.has_value()) {
      simulation.block("waiting for the next command");
    }
    waiting_ = false;
    std::function<void()> action = std::move(*posted_);
    posted_.reset();
    const bool last = last_posted_;
    action();
    if (last) {
      return;
    }
  }
}

bool CallerMailbox::schedule_running() const {
  return world_.simulation().result().outcome == Outcome::running;
}

void CallerMailbox::step_until_waiting() {
  Simulation& simulation = world_.simulation();
  while (schedule_running() && !(waiting_ && !posted_.has_value())) {
    if (!simulation.step()) {
      break;
    }
  }
}

bool CallerMailbox::issue(std::function<void()> action) {
  if (!schedule_running() || !waiting_) {
    ++actions_not_run_;
    return false;
  }
  posted_ = std::move(action);
  world_.simulation().wake(caller_fiber_);
  step_until_waiting();
  return true;
}

const harness::WorldResult& CallerMailbox::finish(std::function<void()> action) {
  if (schedule_running() && waiting_) {
    last_posted_ = true;
    posted_ = std::move(action);
    world_.simulation().wake(caller_fiber_);
  } else {
    ++actions_not_run_;
  }
  return world_.run();
}

}  // namespace lockstep::conformance::properties
