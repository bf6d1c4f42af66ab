// The world of one schedule: scheduler, fake network, simulated hosts, monitors, faults.
// It also tells the monitor which callback model each worker was offered (rule AM8).
//
// A schedule has two phases. In the fault phase the network follows the schedule's FaultPlan
// (delays, refusals, drops) and a daemon "fault-injector" thread fires the registered abort
// actions at chosen moments. At plan.fault_phase_ns the network heals; from then on every
// started call must complete within `liveness_steps` scheduler steps (rule AM11). When the
// scheduler stops, the monitor turns calls still pending into AM3 (the world went quiet: the
// callback is lost) or AM11 (the bound expired). Teardown unwinds every fiber before the
// objects they refer to are destroyed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/fault_plan.h"
#include "harness/core/violation.h"
#include "harness/host/simulated_host.h"
#include "harness/monitor/call_monitor.h"
#include "harness/network/fake_network.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

struct WorldConfig {
  std::uint64_t seed = 0;                ///< the schedule's seed; the fault plan is drawn from it
  std::optional<FaultPlan> fault_plan;   ///< overrides FaultPlan::draw(seed)
  std::uint64_t max_steps = 200'000;
  std::uint64_t liveness_steps = 50'000;  ///< after healing (AM11)
  bool keep_trace_events = true;
  StackPool* stack_pool = nullptr;
};

struct WorldResult {
  RunResult run;                       ///< the scheduler's own result
  std::vector<Violation> violations;   ///< in the order they were found
  FaultPlan fault_plan;
  bool liveness_expired = false;
  std::uint64_t healed_at_step = 0;    ///< 0 if the schedule ended before healing
  std::uint64_t injected_aborts = 0;
  ProbeHits probes;                    ///< the coverage probes this schedule reached
  /// False when the scenario could not create the object it exercises (a channel, a service
  /// host): the schedule then tested nothing, which a run must not call a pass.
  bool subject_created = true;

  /// The schedule did not end normally and no broken rule explains it (a deadlock after a
  /// violation is that violation's consequence).
  bool abnormal_end() const;
  /// True when no rule was broken and the schedule itself ran to a normal end.
  bool passed() const;
  /// One line: the first violation, or the scheduler's failure, or "pass".
  std::string summary() const;
};

/// How a suite should run one schedule.
struct ScheduleOptions {
  StackPool* stack_pool = nullptr;  ///< shared across schedules of a run
  bool keep_trace_events = false;   ///< replay and reports want the events, runs only the hash
  /// 0: the scenario draws how many operations it starts (every suite's normal schedule).
  /// N > 0: a scenario that supports scaling starts exactly N (benchmarks of how cost grows
  /// with scenario size); its draws then differ from the normal schedule of the same seed.
  std::uint64_t operation_count = 0;
};

/// What a finished schedule leaves for reports and replay.
struct ScheduleOutcome {
  WorldResult world;
  DecisionLog decisions;
  std::vector<TraceEvent> trace;  ///< empty unless keep_trace_events
};

class World {
 public:
  World(const WorldConfig& config, std::unique_ptr<Strategy> strategy);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  Simulation& simulation() { return *simulation_; }
  FakeNetwork& network() { return *network_; }
  ViolationLog& violations() { return *violations_; }
  CallMonitor& monitor() { return *monitor_; }
  const FaultPlan& fault_plan() const { return fault_plan_; }

  /// A host for one implementation instance or scripted peer; lives as long as the world.
  SimulatedHost& add_host(HostConfig config);
  /// A thread of the scenario (the caller); the schedule ends once every caller finished and
  /// everything it started completed.
  void spawn_caller(std::string name, std::function<void()> body);
  /// What an injected abort does (for example: abort the channel under test).
  void on_injected_abort(std::function<void()> abort);

  /// Runs after the schedule ends and before the monitor reports calls still pending:
  /// drivers check their own end-of-schedule rules there (and may settle calls).
  void on_schedule_end(std::function<void(bool world_quiet)> check);

  /// The scenario's create call failed: nothing past creation was exercised.
  void subject_not_created() { result_.subject_created = false; }

  /// Runs the schedule to its end; call once.
  const WorldResult& run();
  const WorldResult& result() const { return result_; }
  /// After run(): the result with the decisions and (if kept) the trace events.
  ScheduleOutcome outcome() const;

 private:
  void inject_faults();
  bool long_callback_allowed(FiberId thread) const;
  bool callers_done() const { return callers_running_ == 0; }

  WorldConfig config_;
  FaultPlan fault_plan_;
  std::unique_ptr<Simulation> simulation_;
  std::unique_ptr<FakeNetwork> network_;
  std::unique_ptr<ViolationLog> violations_;
  std::unique_ptr<CallMonitor> monitor_;
  std::vector<std::unique_ptr<SimulatedHost>> hosts_;
  std::vector<std::function<void()>> abort_actions_;
  std::vector<std::function<void(bool)>> end_checks_;
  std::size_t callers_running_ = 0;
  bool healed_ = false;
  WorldResult result_;
};

}  // namespace lockstep::harness
