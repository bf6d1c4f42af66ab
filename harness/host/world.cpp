// Running a schedule through its fault and healed phases.
#include "harness/host/world.h"

#include <algorithm>

namespace lockstep::harness {

bool WorldResult::abnormal_end() const {
  if (run.outcome == Outcome::completed || run.outcome == Outcome::stopped) {
    return false;
  }
  // A world that went quiet with a rule already broken went quiet because of it (a lost
  // callback, an operation nobody cancelled): the rule is the finding, not the deadlock.
  return run.outcome != Outcome::deadlock || violations.empty();
}

bool WorldResult::passed() const { return violations.empty() && !abnormal_end(); }

std::string WorldResult::summary() const {
  if (!violations.empty()) {
    return violations.front().to_text();
  }
  if (abnormal_end()) {
    return std::string(outcome_name(run.outcome)) + ": " + run.message;
  }
  return "pass";
}

World::World(const WorldConfig& config, std::unique_ptr<Strategy> strategy)
    : config_(config), fault_plan_(config.fault_plan.value_or(FaultPlan::draw(config.seed))) {
  SimulationConfig simulation_config;
  simulation_config.max_steps = config_.max_steps;
  simulation_config.keep_trace_events = config_.keep_trace_events;
  simulation_config.stack_pool = config_.stack_pool;
  simulation_ = std::make_unique<Simulation>(simulation_config, std::move(strategy));
  network_ = std::make_unique<FakeNetwork>(*simulation_, fault_plan_);
  violations_ = std::make_unique<ViolationLog>(*simulation_);
  monitor_ = std::make_unique<CallMonitor>(*simulation_, *violations_);
  monitor_->set_long_callback_policy(
      [this](FiberId thread) { return long_callback_allowed(thread); });
  simulation_->annotate("fault plan " + fault_plan_.to_text());
  simulation_->schedule(
      fault_plan_.fault_phase_ns,
      [this] {
        healed_ = true;
        result_.healed_at_step = simulation_->steps();
        if (!monitor_->pending().empty()) {
          violations_->reach(Probe::call_pending_at_heal);
        }
        network_->heal();
        simulation_->annotate("healed");
      },
      "heal");
  simulation_->spawn_daemon("fault-injector", [this] { inject_faults(); });
}

World::~World() {
  // Fibers and pending events refer to hosts, the monitor and the network: unwind them first.
  simulation_->shutdown();
}

SimulatedHost& World::add_host(HostConfig config) {
  hosts_.push_back(
      std::make_unique<SimulatedHost>(*simulation_, *network_, *violations_, std::move(config)));
  return *hosts_.back();
}

bool World::long_callback_allowed(FiberId thread) const {
  for (const auto& host : hosts_) {
    if (const std::optional<WS_CALLBACK_MODEL> offered = host->workers().offered_model(thread)) {
      return *offered == WS_LONG_CALLBACK;
    }
  }
  return true;  // not a worker of ours (a caller's own thread): AM8 says nothing there
}

void World::spawn_caller(std::string name, std::function<void()> body) {
  ++callers_running_;
  simulation_->spawn(std::move(name), [this, body = std::move(body)] {
    struct Done {
      std::size_t& running;
      ~Done() { --running; }
    } done{callers_running_};
    body();
  });
}

void World::on_injected_abort(std::function<void()> abort) {
  abort_actions_.push_back(std::move(abort));
}

ScheduleOutcome World::outcome() const {
  ScheduleOutcome outcome;
  outcome.world = result_;
  outcome.decisions = simulation_->decisions();
  outcome.trace = simulation_->trace().events();
  return outcome;
}

void World::on_schedule_end(std::function<void(bool world_quiet)> check) {
  end_checks_.push_back(std::move(check));
}

void World::inject_faults() {
  // About eight chances per fault phase, at moments the strategy draws.
  const std::uint64_t interval_max_ns = std::max<std::uint64_t>(fault_plan_.fault_phase_ns / 8, 1);
  while (!healed_) {
    simulation_->sleep_for(1 + simulation_->integer(interval_max_ns));
    if (healed_ || abort_actions_.empty() || callers_done()) {
      continue;
    }
    if (simulation_->chance(fault_plan_.abort_per_mille, 1000)) {
      ++result_.injected_aborts;
      simulation_->annotate("inject abort", result_.injected_aborts);
      for (const auto& abort : abort_actions_) {
        abort();
      }
    }
  }
}

const WorldResult& World::run() {
  std::uint64_t quiet_since_step = 0;
  while (simulation_->step()) {
    if (!healed_) {
      continue;
    }
    const std::uint64_t steps = simulation_->steps();
    const bool calls_pending = monitor_->pending_count() > 0;
    if (calls_pending && steps - result_.healed_at_step > config_.liveness_steps) {
      result_.liveness_expired = true;
      simulation_->stop("liveness bound: calls still pending " +
                        std::to_string(config_.liveness_steps) + " steps after healing");
      continue;
    }
    // Once the scenario is over, keep watching a while for late callbacks, then end.
    if (callers_done() && !calls_pending) {
      if (quiet_since_step == 0) {
        quiet_since_step = steps;
      } else if (steps - quiet_since_step > config_.liveness_steps) {
        simulation_->stop("scenario finished and every call completed");
      }
    } else {
      quiet_since_step = 0;
    }
  }
  result_.run = simulation_->result();
  const bool world_quiet = result_.run.outcome == Outcome::completed ||
                           result_.run.outcome == Outcome::deadlock;
  for (const auto& check : end_checks_) {
    check(world_quiet);
  }
  monitor_->finish(world_quiet);
  result_.violations = violations_->all();
  result_.probes = violations_->probes();
  result_.fault_plan = fault_plan_;
  return result_;
}

}  // namespace lockstep::harness
