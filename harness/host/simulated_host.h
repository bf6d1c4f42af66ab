// The simulated host: lockstep/host.h implemented on the scheduler and the fake network.
//
// One SimulatedHost is what one implementation instance (or one scripted peer) sees: its own
// worker threads, events, mutexes, timers, tracked memory, its endpoints on the shared fake
// network, and one slot for the implementation's own per-host state. It also keeps the accounts the rules need: I/O operations in flight against
// io_limit (rule AM9, recorded as a violation the moment the limit is exceeded), and memory
// against a budget (allocation beyond it is refused with NULL, and work submitted beyond it,
// each queued item counted as kQueuedWorkBytes, with E_OUTOFMEMORY, so a runaway implementation
// fails visibly instead of exhausting the machine). Handles given to the implementation are
// checked on every use: a stale or forged handle is reported as a failure of the schedule
// naming the function, never undefined behaviour in the harness.
//
// Rule RS1 (lockstep's own, see the rule catalogue): everything the implementation obtained
// from its host (tracked memory, events, mutexes, timers, WS_ERROR objects, listeners and the
// connections its connects and accepts opened) is released by the time its objects are freed.
// The host counts what is held; the driver that frees the implementation's last object calls
// check_released() at the end of a quiet schedule, which records RS1 naming what is left.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/core/violation.h"
#include "harness/core/ws_error.h"
#include "harness/host/sync_objects.h"
#include "harness/host/worker_pool.h"
#include "harness/network/fake_network.h"
#include "lockstep/host.h"
#include "scheduler/simulation.h"

namespace lockstep::harness {

/// What one queued work item counts against the memory budget (about what the queue spends on
/// it).
inline constexpr std::uint64_t kQueuedWorkBytes = 64;

struct HostConfig {
  std::string name = "implementation";
  std::uint32_t worker_threads = 2;
  std::uint32_t io_limit = 16;
  std::uint64_t memory_limit_bytes = std::uint64_t{64} << 20;
};

class SimulatedHost {
 public:
  SimulatedHost(Simulation& simulation, FakeNetwork& network, ViolationLog& violations,
                HostConfig config);
  ~SimulatedHost();
  SimulatedHost(const SimulatedHost&) = delete;
  SimulatedHost& operator=(const SimulatedHost&) = delete;

  /// The table handed to the implementation.
  const lockstep_host* table() const { return &table_; }
  const HostConfig& config() const { return config_; }
  WorkerPool& workers() { return workers_; }
  const WorkerPool& workers() const { return workers_; }
  std::uint32_t in_flight_io() const { return in_flight_io_; }
  /// Sends started and whose completion has not run yet (part of in_flight_io()).
  std::uint32_t in_flight_sends() const { return in_flight_sends_; }
  std::uint32_t peak_in_flight_io() const { return peak_in_flight_io_; }
  std::size_t live_allocations() const { return allocations_.size(); }
  std::uint64_t live_bytes() const { return live_bytes_; }
  const std::vector<std::string>& log_lines() const { return log_lines_; }
  /// What the implementation still holds, one phrase each ("3 blocks of tracked memory (96
  /// bytes)", "1 timer", ...); empty when it released everything.
  std::vector<std::string> held_resources() const;
  /// Rule RS1: records a violation (at `freed_by`, e.g. "free_channel") naming what is still
  /// held. Call once the implementation's objects are all freed and the world is quiet.
  void check_released(const std::string& freed_by);

  // ---- the C++ side of each table entry (public for the C trampolines) ----------------
  HRESULT submit_work(lockstep_work_function work, void* state);
  lockstep_thread_id current_thread() const;
  std::uint64_t now_ns() const { return simulation_.now_ns(); }
  lockstep_event* event_create(bool manual_reset, bool initially_set);
  HostEvent& event(lockstep_event* handle, const char* function);
  void event_destroy(lockstep_event* handle);
  lockstep_mutex* mutex_create();
  HostMutex& mutex(lockstep_mutex* handle, const char* function);
  void mutex_destroy(lockstep_mutex* handle);
  lockstep_timer* timer_start(std::uint64_t delay_ns, lockstep_timer_function function,
                              void* state);
  bool timer_cancel(lockstep_timer* handle);
  void* allocate(std::size_t bytes);
  void release(void* block);
  HRESULT listen(const char* address, lockstep_listener** listener);
  HRESULT accept(lockstep_listener* listener, lockstep_accept_completion completion, void* state);
  void close_listener(lockstep_listener* listener);
  HRESULT connect(const char* address, lockstep_connect_completion completion, void* state);
  HRESULT send(lockstep_connection* connection, const void* message, std::size_t size,
               lockstep_send_completion completion, void* state);
  HRESULT receive(lockstep_connection* connection, lockstep_receive_completion completion,
                  void* state);
  HRESULT shutdown_session(lockstep_connection* connection);
  void close_connection(lockstep_connection* connection);
  WS_ERROR* error_create();
  void error_free(WS_ERROR* error);
  void log(const char* message);
  void annotate(const char* label, std::uint64_t value);
  /// The implementation's own per-host slot (host ABI version 2): compare-and-exchange.
  void* exchange_implementation_state(void* expected, void* desired);
  /// What the slot holds now.
  void* implementation_state() const { return implementation_state_; }

  /// Handles for network ids, as the implementation sees them (opaque, never dereferenced).
  static lockstep_connection* connection_handle(ConnectionId connection);
  static ConnectionId connection_id(lockstep_connection* connection);

 private:
  struct Timer {
    EventId event;
    bool fired = false;
  };
  CompletionSink completion_sink();
  void io_started(const char* operation);
  void io_finished();

  Simulation& simulation_;
  FakeNetwork& network_;
  ViolationLog& violations_;
  HostConfig config_;
  WorkerPool workers_;
  lockstep_host table_{};

  std::map<const void*, std::unique_ptr<HostEvent>> events_;
  std::map<const void*, std::unique_ptr<HostMutex>> mutexes_;
  std::map<const void*, std::unique_ptr<Timer>> timers_;
  std::map<const void*, std::unique_ptr<ErrorObject>> errors_;
  std::map<const void*, std::size_t> allocations_;
  std::set<ConnectionId> connections_;  // opened for the implementation, not closed
  std::set<ListenerId> listeners_;      // listening, not closed
  std::uint64_t live_bytes_ = 0;
  std::uint32_t in_flight_io_ = 0;
  std::uint32_t in_flight_sends_ = 0;
  std::uint32_t peak_in_flight_io_ = 0;
  bool io_limit_reported_ = false;
  std::vector<std::string> log_lines_;
  void* implementation_state_ = nullptr;  ///< never dereferenced: the implementation's own
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lockstep::harness
