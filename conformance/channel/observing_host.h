// A lockstep_host table that forwards to a SimulatedHost's and watches blocking waits.
//
// Rule CH3 (abort does not block) is about what the implementation does with the host while
// the harness is inside WsAbortChannel: the symptom of waiting for in-flight I/O is a blocking
// event_wait on the aborting thread. The driver hands the implementation this table instead of
// the simulated host's own; every entry forwards unchanged, and event_wait also counts its calls per
// simulated thread.
#pragma once

#include <cstdint>
#include <map>

#include "lockstep/host.h"
#include "scheduler/simulation.h"

namespace lockstep::conformance {

class ChannelObservingHost {
 public:
  ChannelObservingHost(Simulation& simulation, const lockstep_host& inner);
  ChannelObservingHost(const ChannelObservingHost&) = delete;
  ChannelObservingHost& operator=(const ChannelObservingHost&) = delete;

  const lockstep_host* table() const { return &table_; }
  const lockstep_host* inner() const { return &inner_; }
  /// Event waits made so far on `fiber`.
  std::uint64_t event_waits(FiberId fiber) const;

  /// The table's event_wait entry (public for the C trampoline).
  HRESULT event_wait(lockstep_event* event, std::uint64_t timeout_ns);

 private:
  Simulation& simulation_;
  lockstep_host inner_;
  lockstep_host table_{};
  std::map<FiberId, std::uint64_t> event_waits_;
};

}  // namespace lockstep::conformance
