// The real host's internals, shared by real_host.cpp (the C++ side of each entry) and
// real_host_table.cpp (the C trampolines). Not for drivers: they use real_host.h.
//
// Invariants: every handle given to the implementation is in exactly one registry while it
// is live, and each registry is guarded by `handles_mutex`; a handle's object is held by a
// shared_ptr, so a wait in progress survives a concurrent destroy; `in_flight_io` is raised
// before a network start and lowered before its completion runs, so it never exceeds what the
// implementation itself has started and not yet seen complete (no false AM9).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/real_host/delay_queue.h"
#include "harness/real_host/real_error.h"
#include "harness/real_host/real_host.h"
#include "harness/real_host/real_sync_objects.h"
#include "harness/real_host/real_worker_pool.h"

namespace lockstep::real_host {

/// Where the network hands this host's completions; emptied at shutdown, so a completion that
/// arrives later is dropped instead of reaching a pool that is gone.
struct CompletionTarget {
  std::mutex mutex;
  RealHost::Core* core = nullptr;
};

struct RealHost::Core {
  Core(RealNetwork& network_in, RealHostConfig config_in);

  // ---- the C++ side of each table entry ----
  HRESULT submit_work(lockstep_work_function work, void* state);
  lockstep_event* event_create(bool manual_reset, bool initially_set);
  std::shared_ptr<RealEvent> event(lockstep_event* handle, const char* function);
  void event_destroy(lockstep_event* handle);
  HRESULT event_wait(lockstep_event* handle, std::uint64_t timeout_ns);
  lockstep_mutex* mutex_create();
  std::shared_ptr<RealMutex> mutex(lockstep_mutex* handle, const char* function);
  void mutex_lock(lockstep_mutex* handle);
  void mutex_unlock(lockstep_mutex* handle);
  void mutex_destroy(lockstep_mutex* handle);
  lockstep_timer* timer_start(std::uint64_t delay_ns, lockstep_timer_function function,
                              void* state);
  bool timer_cancel(lockstep_timer* handle);
  std::uint64_t now_ns() const;
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

  void misuse(std::string explanation);
  CompletionSink completion_sink();
  void io_started(const char* operation);
  void io_finished();

  RealNetwork& network;
  const RealHostConfig config;
  const std::uint64_t created_ns;
  RealWorkerPool pool;
  DelayQueue timers;
  lockstep_host table{};
  std::shared_ptr<CompletionTarget> completion_target = std::make_shared<CompletionTarget>();

  struct Timer {
    DelayQueue::ActionId action = 0;
  };
  mutable std::mutex handles_mutex;
  std::map<const void*, std::shared_ptr<RealEvent>> events;
  std::map<const void*, std::shared_ptr<RealMutex>> mutexes;
  std::map<const void*, std::shared_ptr<Timer>> timer_handles;
  std::map<const void*, std::unique_ptr<RealErrorObject>> errors;

  mutable std::mutex memory_mutex;
  std::map<const void*, std::size_t> allocations;
  std::uint64_t live_bytes = 0;

  mutable std::mutex observations_mutex;
  std::vector<HostObservation> observations;
  std::vector<std::string> log_lines;
  bool io_limit_reported = false;

  /// exchange_implementation_state's slot: a compare-and-swap on real threads.
  std::atomic<void*> implementation_state{nullptr};
  std::atomic<std::uint32_t> in_flight_io{0};
  std::atomic<std::uint32_t> peak_in_flight_io{0};
  std::atomic<std::uint64_t> work_items_run{0};
  std::atomic<std::uint64_t> annotations{0};
};

/// Fills every member of host.h's table (real_host_table.cpp).
void fill_real_host_table(lockstep_host& table, RealHost::Core& core);

}  // namespace lockstep::real_host
