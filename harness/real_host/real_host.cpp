// The real host's C++ side: handle registries, accounting, and the network hand-off.
#include "harness/real_host/real_host.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "harness/real_host/activity_gauge.h"
#include "harness/real_host/real_clock.h"
#include "harness/real_host/real_host_core.h"

namespace lockstep::real_host {

namespace {

thread_local std::uint64_t event_waits_by_this_thread = 0;
constexpr std::size_t kMaxLogLines = 1000;

ListenerId listener_id(lockstep_listener* listener) {
  return static_cast<ListenerId>(reinterpret_cast<std::uintptr_t>(listener));
}

lockstep_listener* listener_handle(ListenerId listener) {
  return reinterpret_cast<lockstep_listener*>(static_cast<std::uintptr_t>(listener));
}

template <typename Object>
std::shared_ptr<Object> find_handle(const std::map<const void*, std::shared_ptr<Object>>& objects,
                                    const void* handle) {
  auto found = objects.find(handle);
  return found == objects.end() ? nullptr : found->second;
}

}  // namespace

// ---- Core ------------------------------------------------------------------------------------

RealHost::Core::Core(RealNetwork& network_in, RealHostConfig config_in)
    : network(network_in),
      config(std::move(config_in)),
      created_ns(monotonic_now_ns()),
      pool(config.worker_threads) {
  completion_target->core = this;
  fill_real_host_table(table, *this);
}

void RealHost::Core::misuse(std::string explanation) {
  std::lock_guard<std::mutex> lock(observations_mutex);
  observations.push_back(HostObservation{"host", config.name + " " + std::move(explanation)});
}

HRESULT RealHost::Core::submit_work(lockstep_work_function work, void* state) {
  if (work == nullptr) {
    return E_INVALIDARG;
  }
  const bool queued = pool.submit([this, work, state](WS_CALLBACK_MODEL model) {
    work_items_run.fetch_add(1, std::memory_order_relaxed);
    work(state, model);
  });
  return queued ? S_OK : E_OUTOFMEMORY;
}

// ---- events and mutexes
// ---------------------------------------------------------------------------

lockstep_event* RealHost::Core::event_create(bool manual_reset, bool initially_set) {
  auto event = std::make_shared<RealEvent>(manual_reset, initially_set);
  auto* handle = reinterpret_cast<lockstep_event*>(event.get());
  std::lock_guard<std::mutex> lock(handles_mutex);
  events.emplace(handle, std::move(event));
  return handle;
}

std::shared_ptr<RealEvent> RealHost::Core::event(lockstep_event* handle, const char* function) {
  std::shared_ptr<RealEvent> found;
  {
    std::lock_guard<std::mutex> lock(handles_mutex);
    found = find_handle(events, handle);
  }
  if (found == nullptr) {
    misuse(std::string(function) + ": not a live event handle (stale, freed or never created)");
  }
  return found;
}

HRESULT RealHost::Core::event_wait(lockstep_event* handle, std::uint64_t timeout_ns) {
  ++event_waits_by_this_thread;
  std::shared_ptr<RealEvent> found = event(handle, "event_wait");
  if (found == nullptr) {
    return E_INVALIDARG;
  }
  const BlockedInHostScope blocked;
  return found->wait(timeout_ns);
}

void RealHost::Core::event_destroy(lockstep_event* handle) {
  std::shared_ptr<RealEvent> destroyed;  // released after the lock, outside it
  {
    std::lock_guard<std::mutex> lock(handles_mutex);
    auto found = events.find(handle);
    if (found != events.end()) {
      destroyed = std::move(found->second);
      events.erase(found);
    }
  }
  if (destroyed == nullptr) {
    misuse("event_destroy: not a live event handle");
  }
}

lockstep_mutex* RealHost::Core::mutex_create() {
  auto created = std::make_shared<RealMutex>();
  auto* handle = reinterpret_cast<lockstep_mutex*>(created.get());
  std::lock_guard<std::mutex> lock(handles_mutex);
  mutexes.emplace(handle, std::move(created));
  return handle;
}

std::shared_ptr<RealMutex> RealHost::Core::mutex(lockstep_mutex* handle, const char* function) {
  std::shared_ptr<RealMutex> found;
  {
    std::lock_guard<std::mutex> lock(handles_mutex);
    found = find_handle(mutexes, handle);
  }
  if (found == nullptr) {
    misuse(std::string(function) + ": not a live mutex handle (stale, freed or never created)");
  }
  return found;
}

void RealHost::Core::mutex_lock(lockstep_mutex* handle) {
  std::string problem;
  std::shared_ptr<RealMutex> found = mutex(handle, "mutex_lock");
  if (found == nullptr) {
    return;
  }
  bool locked = false;
  {
    const BlockedInHostScope blocked;
    locked = found->lock(problem);
  }
  if (!locked) {
    misuse(problem);
  }
}

void RealHost::Core::mutex_unlock(lockstep_mutex* handle) {
  std::string problem;
  if (auto found = mutex(handle, "mutex_unlock"); found != nullptr && !found->unlock(problem)) {
    misuse(problem);
  }
}

void RealHost::Core::mutex_destroy(lockstep_mutex* handle) {
  std::shared_ptr<RealMutex> destroyed;
  bool held = false;
  {
    std::lock_guard<std::mutex> lock(handles_mutex);
    auto found = mutexes.find(handle);
    if (found != mutexes.end()) {
      held = found->second->held();
      if (!held) {
        destroyed = std::move(found->second);
        mutexes.erase(found);
      }
    }
  }
  if (held) {
    misuse("mutex_destroy: the mutex is still locked");
  } else if (destroyed == nullptr) {
    misuse("mutex_destroy: not a live mutex handle");
  }
}

// ---- timers and the clock
// -------------------------------------------------------------------------

lockstep_timer* RealHost::Core::timer_start(std::uint64_t delay_ns,
                                            lockstep_timer_function function, void* state) {
  if (function == nullptr) {
    return nullptr;
  }
  auto timer = std::make_shared<Timer>();
  auto* handle = reinterpret_cast<lockstep_timer*>(timer.get());
  const std::uint64_t now = monotonic_now_ns();
  const std::uint64_t due_ns = delay_ns > UINT64_MAX - now ? UINT64_MAX : now + delay_ns;
  std::lock_guard<std::mutex> lock(handles_mutex);
  // Registered under the lock, so a cancel right after this returns finds the action id.
  timer->action = timers.schedule_at(due_ns, [this, function, state] {
    pool.submit([function, state](WS_CALLBACK_MODEL) { function(state); });
  });
  timer_handles.emplace(handle, std::move(timer));
  return handle;
}

bool RealHost::Core::timer_cancel(lockstep_timer* handle) {
  std::shared_ptr<Timer> timer;
  {
    std::lock_guard<std::mutex> lock(handles_mutex);
    auto found = timer_handles.find(handle);
    if (found != timer_handles.end()) {
      timer = std::move(found->second);
      timer_handles.erase(found);
    }
  }
  if (timer == nullptr) {
    misuse("timer_cancel: not a live timer handle (already cancelled or never started)");
    return false;
  }
  return timers.cancel(timer->action);  // false once it left the queue for a worker
}

std::uint64_t RealHost::Core::now_ns() const {
  return monotonic_now_ns() - created_ns;
}

// ---- memory
// ---------------------------------------------------------------------------------------

void* RealHost::Core::allocate(std::size_t bytes) {
  std::lock_guard<std::mutex> lock(memory_mutex);
  if (bytes > config.memory_limit_bytes - live_bytes) {
    return nullptr;
  }
  void* block = std::malloc(bytes == 0 ? 1 : bytes);  // NOLINT: tracked below
  if (block == nullptr) {
    return nullptr;
  }
  allocations.emplace(block, bytes);
  live_bytes += bytes;
  return block;
}

void RealHost::Core::release(void* block) {
  if (block == nullptr) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(memory_mutex);
    auto found = allocations.find(block);
    if (found != allocations.end()) {
      live_bytes -= found->second;
      allocations.erase(found);
      std::free(block);  // NOLINT: paired with allocate
      return;
    }
  }
  misuse("release: the block was not allocated by this host, or was already released");
}

// ---- network
// --------------------------------------------------------------------------------------

CompletionSink RealHost::Core::completion_sink() {
  return [target = completion_target](std::function<void()> completion) {
    std::lock_guard<std::mutex> lock(target->mutex);
    if (target->core != nullptr) {
      target->core->pool.submit(
          [completion = std::move(completion)](WS_CALLBACK_MODEL) { completion(); });
    }
  };
}

void RealHost::Core::io_started(const char* operation) {
  const std::uint32_t now_in_flight = in_flight_io.fetch_add(1) + 1;
  std::uint32_t peak = peak_in_flight_io.load();
  while (now_in_flight > peak && !peak_in_flight_io.compare_exchange_weak(peak, now_in_flight)) {
  }
  if (now_in_flight > config.io_limit) {
    std::lock_guard<std::mutex> lock(observations_mutex);
    if (!io_limit_reported) {
      io_limit_reported = true;
      observations.push_back(HostObservation{
          "AM9", config.name + " " + operation + ": " + std::to_string(now_in_flight) +
                     " I/O operations in flight, above the configured limit of " +
                     std::to_string(config.io_limit)});
    }
  }
}

void RealHost::Core::io_finished() {
  in_flight_io.fetch_sub(1);
}

HRESULT RealHost::Core::listen(const char* address, lockstep_listener** listener) {
  if (address == nullptr || listener == nullptr) {
    return E_INVALIDARG;
  }
  ListenerId id = 0;
  const HRESULT result = network.listen(address, id);
  if (SUCCEEDED(result)) {
    *listener = listener_handle(id);
  }
  return result;
}

// Each start counts its I/O before the network can complete it (on another thread), and
// gives the count back if the start failed.
HRESULT RealHost::Core::accept(lockstep_listener* listener, lockstep_accept_completion completion,
                               void* state) {
  if (completion == nullptr) {
    return E_INVALIDARG;
  }
  io_started("accept");
  const HRESULT result =
      network.accept(listener_id(listener), completion_sink(),
                     [this, completion, state](HRESULT outcome, ConnectionId connection) {
                       io_finished();
                       completion(state, outcome, connection_handle(connection));
                     });
  if (FAILED(result)) {
    io_finished();
  }
  return result;
}

void RealHost::Core::close_listener(lockstep_listener* listener) {
  network.close_listener(listener_id(listener));
}

HRESULT RealHost::Core::connect(const char* address, lockstep_connect_completion completion,
                                void* state) {
  if (address == nullptr || completion == nullptr) {
    return E_INVALIDARG;
  }
  io_started("connect");
  const HRESULT result =
      network.connect(address, completion_sink(),
                      [this, completion, state](HRESULT outcome, ConnectionId connection) {
                        io_finished();
                        completion(state, outcome, connection_handle(connection));
                      });
  if (FAILED(result)) {
    io_finished();
  }
  return result;
}

HRESULT RealHost::Core::send(lockstep_connection* connection, const void* message, std::size_t size,
                             lockstep_send_completion completion, void* state) {
  if (completion == nullptr || (message == nullptr && size > 0)) {
    return E_INVALIDARG;
  }
  io_started("send");
  const HRESULT result =
      network.send(connection_id(connection), std::string(static_cast<const char*>(message), size),
                   completion_sink(), [this, completion, state](HRESULT outcome) {
                     io_finished();
                     completion(state, outcome);
                   });
  if (FAILED(result)) {
    io_finished();
  }
  return result;
}

HRESULT RealHost::Core::receive(lockstep_connection* connection,
                                lockstep_receive_completion completion, void* state) {
  if (completion == nullptr) {
    return E_INVALIDARG;
  }
  io_started("receive");
  const HRESULT result = network.receive(
      connection_id(connection), completion_sink(),
      [this, completion, state](HRESULT outcome, std::string_view message) {
        io_finished();
        completion(state, outcome, message.empty() ? nullptr : message.data(), message.size());
      });
  if (FAILED(result)) {
    io_finished();
  }
  return result;
}

HRESULT RealHost::Core::shutdown_session(lockstep_connection* connection) {
  return network.shutdown_session(connection_id(connection));
}

void RealHost::Core::close_connection(lockstep_connection* connection) {
  network.close(connection_id(connection));
}

// ---- errors and diagnostics
// -------------------------------------------------------------------------

WS_ERROR* RealHost::Core::error_create() {
  auto error = std::make_unique<RealErrorObject>();
  WS_ERROR* handle = error->handle();
  std::lock_guard<std::mutex> lock(handles_mutex);
  errors.emplace(handle, std::move(error));
  return handle;
}

void RealHost::Core::error_free(WS_ERROR* error) {
  std::unique_ptr<RealErrorObject> freed;
  {
    std::lock_guard<std::mutex> lock(handles_mutex);
    auto found = errors.find(error);
    if (found != errors.end()) {
      freed = std::move(found->second);
      errors.erase(found);
    }
  }
  if (freed == nullptr) {
    misuse("error_free: not a WS_ERROR this host created, or already freed");
  }
}

void RealHost::Core::log(const char* message) {
  std::lock_guard<std::mutex> lock(observations_mutex);
  if (log_lines.size() < kMaxLogLines) {
    log_lines.emplace_back(message == nullptr ? "" : message);
  }
}

void RealHost::Core::annotate(const char* /*label*/, std::uint64_t /*value*/) {
  // No trace on a real host: nothing here is replayable. Counted, so a test can see it ran.
  annotations.fetch_add(1, std::memory_order_relaxed);
}

// ---- RealHost -----------------------------------------------------------------------------------

RealHost::RealHost(RealNetwork& network, RealHostConfig config)
    : core_(std::make_unique<Core>(network, std::move(config))) {}

RealHost::~RealHost() {
  if (!shut_down_) {
    shut_down();
  }
  if (stuck_) {
    // A worker is still inside the implementation and may use the host: leak it on purpose.
    std::fprintf(stderr,
                 "real host %s: a worker is stuck in the implementation; its state is "
                 "left allocated\n",
                 core_->config.name.c_str());
    static_cast<void>(core_.release());
  } else {
    std::lock_guard<std::mutex> lock(core_->memory_mutex);
    for (const auto& [block, bytes] : core_->allocations) {
      std::free(const_cast<void*>(block));  // NOLINT: the implementation leaked it; reclaimed
    }
    core_->allocations.clear();
  }
}

bool RealHost::shut_down(std::uint64_t timeout_ns) {
  if (shut_down_) {
    return !stuck_;
  }
  shut_down_ = true;
  {
    std::lock_guard<std::mutex> lock(core_->completion_target->mutex);
    core_->completion_target->core = nullptr;
  }
  core_->timers.stop();
  stuck_ = !core_->pool.shut_down(timeout_ns);
  return !stuck_;
}

const lockstep_host* RealHost::table() const {
  return &core_->table;
}
const RealHostConfig& RealHost::config() const {
  return core_->config;
}
bool RealHost::on_worker_thread() const {
  return core_->pool.on_worker_thread();
}
std::optional<WS_CALLBACK_MODEL> RealHost::offered_model_here() const {
  return core_->pool.offered_model_here();
}
std::uint64_t RealHost::event_waits_on_this_thread() {
  return event_waits_by_this_thread;
}
std::uint32_t RealHost::in_flight_io() const {
  return core_->in_flight_io.load();
}
std::uint32_t RealHost::peak_in_flight_io() const {
  return core_->peak_in_flight_io.load();
}

std::vector<HostObservation> RealHost::observations() const {
  std::lock_guard<std::mutex> lock(core_->observations_mutex);
  return core_->observations;
}

bool RealHost::idle() const {
  return core_->pool.unfinished() == 0 && core_->timers.outstanding() == 0;
}

std::uint64_t RealHost::live_allocations() const {
  std::lock_guard<std::mutex> lock(core_->memory_mutex);
  return core_->allocations.size();
}

std::uint64_t RealHost::work_items_run() const {
  return core_->work_items_run.load();
}

lockstep_connection* RealHost::connection_handle(ConnectionId connection) {
  return reinterpret_cast<lockstep_connection*>(static_cast<std::uintptr_t>(connection));
}

ConnectionId RealHost::connection_id(const lockstep_connection* connection) {
  return static_cast<ConnectionId>(reinterpret_cast<std::uintptr_t>(connection));
}

}  // namespace lockstep::real_host
