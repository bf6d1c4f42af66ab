// The real host: lockstep/host.h on OS threads, the machine's monotonic clock and the
// in-process network (real_network.h). The same implementation binary that runs on the
// simulated host (harness/host/) runs here for real, so a stress test can hammer it.
//
// What it keeps of host.h, member by member: work never runs inside submit_work and runs
// exactly once on a worker; the model offered is WS_LONG_CALLBACK only when another worker is
// idle (rule AM8); network starts return S_OK and complete exactly once on a worker, or fail
// and never complete; timers run their function once on a worker unless cancelled first;
// event_wait's timeout is real time; now_ns is monotonic nanoseconds since the host was made;
// memory is tracked against a budget (NULL beyond it); I/O in flight is counted against
// io_limit, and going above it is recorded as an AM9 observation.
//
// Misuse that the simulated host reports as a failure (a stale or forged handle, a recursive
// lock, unlocking a mutex one does not hold, releasing a foreign block) is recorded here as an
// observation with rule "host" and the call does nothing, instead of undefined behaviour.
//
// Lifetime: shut_down() (or the destructor) stops the timers and lets the workers drain their
// queue. A worker stuck inside the implementation cannot be stopped: after the timeout the
// host's internals are leaked on purpose (the stuck thread may still use them), never freed
// under it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/real_host/real_network.h"
#include "lockstep/host.h"

namespace lockstep::real_host {

struct RealHostConfig {
  std::string name = "implementation";
  std::uint32_t worker_threads = 2;
  std::uint32_t io_limit = 16;
  std::uint64_t memory_limit_bytes = std::uint64_t{64} << 20;
};

/// Something the host saw that breaks a rule (AM9) or host.h's own contract ("host").
struct HostObservation {
  std::string rule;
  std::string explanation;
};

class RealHost {
 public:
  static constexpr std::uint64_t kTeardownTimeoutNs = 2'000'000'000;

  RealHost(RealNetwork& network, RealHostConfig config);
  ~RealHost();
  RealHost(const RealHost&) = delete;
  RealHost& operator=(const RealHost&) = delete;

  /// The table handed to the implementation; valid as long as the host (or its leak) lives.
  const lockstep_host* table() const;
  const RealHostConfig& config() const;

  // ---- what drivers may ask (the implementation sees only the table) ----
  /// True when the calling thread is one of this host's workers.
  bool on_worker_thread() const;
  /// The model offered to the work item the calling thread runs; nullopt off the workers.
  std::optional<WS_CALLBACK_MODEL> offered_model_here() const;
  /// event_wait calls made so far by the calling thread, on any real host (rule CH3).
  static std::uint64_t event_waits_on_this_thread();
  std::uint32_t in_flight_io() const;
  std::uint32_t peak_in_flight_io() const;
  std::vector<HostObservation> observations() const;
  /// No work queued or running and no timer waiting: only the network could still wake it.
  bool idle() const;
  std::uint64_t live_allocations() const;
  std::uint64_t work_items_run() const;

  /// Stops the timers and the workers (after they drained their queue); completions that
  /// arrive later are dropped. True when every worker ended within `timeout_ns`; false when
  /// some thread is stuck, and then the internals are leaked when the host is destroyed.
  bool shut_down(std::uint64_t timeout_ns = kTeardownTimeoutNs);

  static lockstep_connection* connection_handle(ConnectionId connection);
  static ConnectionId connection_id(const lockstep_connection* connection);

  struct Core;

 private:
  std::unique_ptr<Core> core_;
  bool shut_down_ = false;
  bool stuck_ = false;
};

}  // namespace lockstep::real_host
