// Rule violations as the monitors record them, and the coverage probes a schedule reached.
//
// The harness never crashes on a misbehaving implementation: every broken rule becomes a
// Violation {rule id, step, virtual time, thread, operation, one-line explanation}, and the
// verdict is computed after the schedule ends. Recording also annotates the trace, so the trace
// hash covers the verdict. Probes (coverage_probe.h) are counted beside the violations by the
// same parts that look for them, and never touch the trace.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/coverage_probe.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

struct Violation {
  std::string rule;         ///< CONTRACT.md id: "AM3", "CH1", ...
  std::uint64_t step = 0;
  std::uint64_t time_ns = 0;
  std::uint64_t thread = 0;  ///< simulated thread (fiber id), 0 for the scheduler
  std::string operation;    ///< e.g. "receive#4"
  std::string explanation;  ///< one line

  /// "AM3 at step 17 (t=2000 ns, thread 3) in receive#4: callback invoked twice"
  std::string to_text() const;
};

class ViolationLog {
 public:
  explicit ViolationLog(Simulation& simulation) : simulation_(simulation) {}

  /// Records a violation stamped with the simulation's current step, time and thread.
  void record(std::string_view rule, std::string_view operation, std::string explanation);

  const std::vector<Violation>& all() const { return violations_; }
  bool empty() const { return violations_.empty(); }
  bool has(std::string_view rule) const;
  std::size_t count(std::string_view rule) const;

  /// The schedule reached a situation of the contract (counted; no trace, no decision).
  void reach(Probe probe) { probes_.reach(probe); }
  const ProbeHits& probes() const { return probes_; }

 private:
  Simulation& simulation_;
  std::vector<Violation> violations_;
  ProbeHits probes_;
};

}  // namespace lockstep::harness
