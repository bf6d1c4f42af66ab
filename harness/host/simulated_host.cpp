// SimulatedHost: handle bookkeeping, accounting, and the C++ side of the host table.
// The C trampolines that fill the table live in host_table.cpp.
#include "harness/host/simulated_host.h"

#include <cstdlib>
#include <stdexcept>

namespace lockstep::harness {

void fill_host_table(lockstep_host& table, SimulatedHost& host);  // host_table.cpp

namespace {

template <typename Object>
Object& checked(std::map<const void*, std::unique_ptr<Object>>& objects, const void* handle,
                const char* function, const char* kind) {
  auto position = objects.find(handle);
  if (position == objects.end()) {
    throw std::logic_error(std::string("host ") + function + ": not a live " + kind +
                           " handle (stale, freed or never created)");
  }
  return *position->second;
}

ListenerId listener_id(lockstep_listener* listener) {
  return static_cast<ListenerId>(reinterpret_cast<std::uintptr_t>(listener));
}

lockstep_listener* listener_handle(ListenerId listener) {
  return reinterpret_cast<lockstep_listener*>(static_cast<std::uintptr_t>(listener));
}

}  // namespace

SimulatedHost::SimulatedHost(Simulation& simulation, FakeNetwork& network,
                             ViolationLog& violations, HostConfig config)
    : simulation_(simulation),
      network_(network),
      violations_(violations),
      config_(std::move(config)),
      workers_(simulation, config_.name, config_.worker_threads) {
  fill_host_table(table_, *this);
}

SimulatedHost::~SimulatedHost() {
  *alive_ = false;
  for (const auto& [block, bytes] : allocations_) {
    std::free(const_cast<void*>(block));  // NOLINT: the implementation leaked it; we reclaim
  }
}

lockstep_connection* SimulatedHost::connection_handle(ConnectionId connection) {
  return reinterpret_cast<lockstep_connection*>(static_cast<std::uintptr_t>(connection));
}

ConnectionId SimulatedHost::connection_id(lockstep_connection* connection) {
  return static_cast<ConnectionId>(reinterpret_cast<std::uintptr_t>(connection));
}

// ---- threads ------------------------------------------------------------------------------

HRESULT SimulatedHost::submit_work(lockstep_work_function work, void* state) {
  if (work == nullptr) {
    return E_INVALIDARG;
  }
  // Queued work is memory the implementation holds too: an implementation that floods the
  // queue is refused within its budget rather than growing the process without bound.
  if ((workers_.queued() + 1) * kQueuedWorkBytes > config_.memory_limit_bytes - live_bytes_) {
    simulation_.annotate(config_.name + " work refused", workers_.queued());
    return E_OUTOFMEMORY;
  }
  workers_.submit([work, state](WS_CALLBACK_MODEL model) { work(state, model); });
  return S_OK;
}

lockstep_thread_id SimulatedHost::current_thread() const { return simulation_.current_fiber(); }

// ---- events, mutexes, timers ------------------------------------------------------------------

lockstep_event* SimulatedHost::event_create(bool manual_reset, bool initially_set) {
  auto event = std::make_unique<HostEvent>(simulation_, manual_reset, initially_set);
  auto* handle = reinterpret_cast<lockstep_event*>(event.get());
  events_.emplace(handle, std::move(event));
  return handle;
}

HostEvent& SimulatedHost::event(lockstep_event* handle, const char* function) {
  return checked(events_, handle, function, "event");
}

void SimulatedHost::event_destroy(lockstep_event* handle) {
  checked(events_, handle, "event_destroy", "event");
  events_.erase(handle);
}

lockstep_mutex* SimulatedHost::mutex_create() {
  auto mutex = std::make_unique<HostMutex>(simulation_);
  auto* handle = reinterpret_cast<lockstep_mutex*>(mutex.get());
  mutexes_.emplace(handle, std::move(mutex));
  return handle;
}

HostMutex& SimulatedHost::mutex(lockstep_mutex* handle, const char* function) {
  return checked(mutexes_, handle, function, "mutex");
}

void SimulatedHost::mutex_destroy(lockstep_mutex* handle) {
  if (checked(mutexes_, handle, "mutex_destroy", "mutex").owner() != 0) {
    throw std::logic_error("host mutex_destroy: the mutex is still locked");
  }
  mutexes_.erase(handle);
}

lockstep_timer* SimulatedHost::timer_start(std::uint64_t delay_ns,
                                           lockstep_timer_function function, void* state) {
  if (function == nullptr) {
    return nullptr;
  }
  auto timer = std::make_unique<Timer>();
  Timer* raw = timer.get();
  auto* handle = reinterpret_cast<lockstep_timer*>(raw);
  std::weak_ptr<bool> alive = alive_;
  raw->event = simulation_.schedule(
      delay_ns,
      [this, alive, handle, function, state] {
        if (alive.expired()) {
          return;
        }
        auto position = timers_.find(handle);
        if (position != timers_.end()) {
          position->second->fired = true;
        }
        workers_.submit([function, state](WS_CALLBACK_MODEL) { function(state); });
      },
      config_.name + " timer");
  timers_.emplace(handle, std::move(timer));
  return handle;
}

bool SimulatedHost::timer_cancel(lockstep_timer* handle) {
  Timer& timer = checked(timers_, handle, "timer_cancel", "timer");
  const bool cancelled = !timer.fired && simulation_.cancel(timer.event);
  timers_.erase(handle);
  return cancelled;
}

// ---- memory ---------------------------------------------------------------------------------

void* SimulatedHost::allocate(std::size_t bytes) {
  if (bytes > config_.memory_limit_bytes - live_bytes_) {
    simulation_.annotate(config_.name + " allocation refused", bytes);
    return nullptr;
  }
  void* block = std::malloc(bytes == 0 ? 1 : bytes);  // NOLINT: tracked below
  if (block == nullptr) {
    return nullptr;
  }
  allocations_.emplace(block, bytes);
  live_bytes_ += bytes;
  return block;
}

void SimulatedHost::release(void* block) {
  if (block == nullptr) {
    return;
  }
  auto position = allocations_.find(block);
  if (position == allocations_.end()) {
    throw std::logic_error("host release: the block was not allocated by this host, or was "
                           "already released");
  }
  live_bytes_ -= position->second;
  allocations_.erase(position);
  std::free(block);  // NOLINT: paired with allocate
}

// ---- network ------------------------------------------------------------------------------

CompletionSink SimulatedHost::completion_sink() {
  std::weak_ptr<bool> alive = alive_;
  return [this, alive](std::function<void()> completion) {
    if (!alive.expired()) {
      workers_.submit(
          [completion = std::move(completion)](WS_CALLBACK_MODEL) { completion(); });
    }
  };
}

void SimulatedHost::io_started(const char* operation) {
  ++in_flight_io_;
  if (in_flight_io_ > peak_in_flight_io_) {
    peak_in_flight_io_ = in_flight_io_;
  }
  if (in_flight_io_ == config_.io_limit) {
    violations_.reach(Probe::io_limit_reached);
  }
  if (in_flight_io_ > config_.io_limit && !io_limit_reported_) {
    io_limit_reported_ = true;
    violations_.record("AM9", config_.name + " " + operation,
                       std::to_string(in_flight_io_) +
                           " I/O operations in flight, above the configured limit of " +
                           std::to_string(config_.io_limit));
  }
}

void SimulatedHost::io_finished() { --in_flight_io_; }

HRESULT SimulatedHost::listen(const char* address, lockstep_listener** listener) {
  if (address == nullptr || listener == nullptr) {
    return E_INVALIDARG;
  }
  ListenerId id = 0;
  const HRESULT result = network_.listen(address, id);
  if (SUCCEEDED(result)) {
    *listener = listener_handle(id);
    listeners_.insert(id);
  }
  return result;
}

HRESULT SimulatedHost::accept(lockstep_listener* listener, lockstep_accept_completion completion,
                              void* state) {
  if (completion == nullptr) {
    return E_INVALIDARG;
  }
  const HRESULT result = network_.accept(
      listener_id(listener), completion_sink(),
      [this, completion, state](HRESULT outcome, ConnectionId connection) {
        io_finished();
        if (SUCCEEDED(outcome) && connection != 0) {
          connections_.insert(connection);
        }
        completion(state, outcome, connection_handle(connection));
      });
  if (SUCCEEDED(result)) {
    io_started("accept");
  }
  return result;
}

void SimulatedHost::close_listener(lockstep_listener* listener) {
  listeners_.erase(listener_id(listener));
  network_.close_listener(listener_id(listener));
}

HRESULT SimulatedHost::connect(const char* address, lockstep_connect_completion completion,
                               void* state) {
  if (address == nullptr || completion == nullptr) {
    return E_INVALIDARG;
  }
  const HRESULT result = network_.connect(
      address, completion_sink(),
      [this, completion, state](HRESULT outcome, ConnectionId connection) {
        io_finished();
        if (SUCCEEDED(outcome) && connection != 0) {
          connections_.insert(connection);
        }
        completion(state, outcome, connection_handle(connection));
      });
  if (SUCCEEDED(result)) {
    io_started("connect");
  }
  return result;
}

HRESULT SimulatedHost::send(lockstep_connection* connection, const void* message,
                            std::size_t size, lockstep_send_completion completion, void* state) {
  if (completion == nullptr || (message == nullptr && size > 0)) {
    return E_INVALIDARG;
  }
  std::string bytes(static_cast<const char*>(message), size);
  const HRESULT result =
      network_.send(connection_id(connection), std::move(bytes), completion_sink(),
                    [this, completion, state](HRESULT outcome) {
                      io_finished();
                      --in_flight_sends_;
                      completion(state, outcome);
                    });
  if (SUCCEEDED(result)) {
    io_started("send");
    ++in_flight_sends_;
  }
  return result;
}

HRESULT SimulatedHost::receive(lockstep_connection* connection,
                               lockstep_receive_completion completion, void* state) {
  if (completion == nullptr) {
    return E_INVALIDARG;
  }
  const HRESULT result = network_.receive(
      connection_id(connection), completion_sink(),
      [this, completion, state](HRESULT outcome, std::string_view message) {
        io_finished();
        completion(state, outcome, message.empty() ? nullptr : message.data(), message.size());
      });
  if (SUCCEEDED(result)) {
    io_started("receive");
  }
  return result;
}

HRESULT SimulatedHost::shutdown_session(lockstep_connection* connection) {
  return network_.shutdown_session(connection_id(connection));
}

void SimulatedHost::close_connection(lockstep_connection* connection) {
  connections_.erase(connection_id(connection));
  network_.close(connection_id(connection));
}

// ---- errors and diagnostics ---------------------------------------------------------------------

WS_ERROR* SimulatedHost::error_create() {
  auto error = std::make_unique<ErrorObject>();
  WS_ERROR* handle = error->handle();
  errors_.emplace(handle, std::move(error));
  return handle;
}

void SimulatedHost::error_free(WS_ERROR* error) {
  checked(errors_, error, "error_free", "WS_ERROR");
  errors_.erase(error);
}

// ---- rule RS1 ------------------------------------------------------------------------------

std::vector<std::string> SimulatedHost::held_resources() const {
  std::vector<std::string> held;
  const auto count = [&](std::size_t number, const char* one, const char* many) {
    if (number > 0) {
      held.push_back(std::to_string(number) + " " + (number == 1 ? one : many));
    }
  };
  if (!allocations_.empty()) {
    held.push_back(std::to_string(allocations_.size()) +
                   (allocations_.size() == 1 ? " block" : " blocks") + " of tracked memory (" +
                   std::to_string(live_bytes_) + " bytes)");
  }
  count(timers_.size(), "timer (never freed with timer_cancel)",
        "timers (never freed with timer_cancel)");
  count(connections_.size(), "connection (never closed with close_connection)",
        "connections (never closed with close_connection)");
  count(listeners_.size(), "listener (never closed with close_listener)",
        "listeners (never closed with close_listener)");
  count(events_.size(), "event", "events");
  count(mutexes_.size(), "mutex", "mutexes");
  count(errors_.size(), "WS_ERROR object", "WS_ERROR objects");
  return held;
}

void SimulatedHost::check_released(const std::string& freed_by) {
  const std::vector<std::string> held = held_resources();
  if (held.empty()) {
    return;
  }
  std::string list;
  for (const std::string& item : held) {
    list += (list.empty() ? "" : ", ") + item;
  }
  violations_.record(
      "RS1", config_.name + " " + freed_by,
      "still held after " + freed_by + " freed the implementation's objects: " + list);
}

void SimulatedHost::log(const char* message) {
  log_lines_.emplace_back(message == nullptr ? "" : message);
  simulation_.annotate(config_.name + " log: " + log_lines_.back());
}

void SimulatedHost::annotate(const char* label, std::uint64_t value) {
  simulation_.annotate(label == nullptr ? "" : label, value);
}

void* SimulatedHost::exchange_implementation_state(void* expected, void* desired) {
  void* held = implementation_state_;
  if (held == expected) {
    implementation_state_ = desired;
  }
  return held;
}

}  // namespace lockstep::harness
