// The C side of the simulated host: static functions with the exact signatures of
// lockstep/host.h, each forwarding to the SimulatedHost behind `self`.
#include "harness/host/simulated_host.h"

namespace lockstep::harness {
namespace {

SimulatedHost& host(void* self) { return *static_cast<SimulatedHost*>(self); }

HRESULT submit_work(void* self, lockstep_work_function work, void* state) {
  return host(self).submit_work(work, state);
}
lockstep_thread_id current_thread(void* self) { return host(self).current_thread(); }
uint32_t worker_thread_count(void* self) { return host(self).workers().worker_count(); }

lockstep_event* event_create(void* self, BOOL manual_reset, BOOL initially_set) {
  return host(self).event_create(manual_reset != 0, initially_set != 0);
}
void event_set(void* self, lockstep_event* event) { host(self).event(event, "event_set").set(); }
void event_reset(void* self, lockstep_event* event) {
  host(self).event(event, "event_reset").reset();
}
HRESULT event_wait(void* self, lockstep_event* event, uint64_t timeout_ns) {
  return host(self).event(event, "event_wait").wait(timeout_ns);
}
void event_destroy(void* self, lockstep_event* event) { host(self).event_destroy(event); }

lockstep_mutex* mutex_create(void* self) { return host(self).mutex_create(); }
void mutex_lock(void* self, lockstep_mutex* mutex) { host(self).mutex(mutex, "mutex_lock").lock(); }
void mutex_unlock(void* self, lockstep_mutex* mutex) {
  host(self).mutex(mutex, "mutex_unlock").unlock();
}
void mutex_destroy(void* self, lockstep_mutex* mutex) { host(self).mutex_destroy(mutex); }

lockstep_timer* timer_start(void* self, uint64_t delay_ns, lockstep_timer_function function,
                            void* state) {
  return host(self).timer_start(delay_ns, function, state);
}
BOOL timer_cancel(void* self, lockstep_timer* timer) {
  return host(self).timer_cancel(timer) ? 1 : 0;
}

uint64_t now_ns(void* self) { return host(self).now_ns(); }

void* allocate(void* self, size_t bytes) { return host(self).allocate(bytes); }
void release(void* self, void* block) { host(self).release(block); }

HRESULT listen(void* self, const char* address, lockstep_listener** listener) {
  return host(self).listen(address, listener);
}
HRESULT accept(void* self, lockstep_listener* listener, lockstep_accept_completion completion,
               void* state) {
  return host(self).accept(listener, completion, state);
}
void close_listener(void* self, lockstep_listener* listener) {
  host(self).close_listener(listener);
}
HRESULT connect(void* self, const char* address, lockstep_connect_completion completion,
                void* state) {
  return host(self).connect(address, completion, state);
}
HRESULT send(void* self, lockstep_connection* connection, const void* message, size_t size,
             lockstep_send_completion completion, void* state) {
  return host(self).send(connection, message, size, completion, state);
}
HRESULT receive(void* self, lockstep_connection* connection,
                lockstep_receive_completion completion, void* state) {
  return host(self).receive(connection, completion, state);
}
HRESULT shutdown_session(void* self, lockstep_connection* connection) {
  return host(self).shutdown_session(connection);
}
void close_connection(void* self, lockstep_connection* connection) {
  host(self).close_connection(connection);
}
uint32_t io_limit(void* self) { return host(self).config().io_limit; }

WS_ERROR* error_create(void* self) { return host(self).error_create(); }
void error_free(void* self, WS_ERROR* error) { host(self).error_free(error); }
void log(void* self, const char* message) { host(self).log(message); }
void annotate(void* self, const char* label, uint64_t value) {
  host(self).annotate(label, value);
}
void* exchange_implementation_state(void* self, void* expected, void* desired) {
  return host(self).exchange_implementation_state(expected, desired);
}

}  // namespace

void fill_host_table(lockstep_host& table, SimulatedHost& simulated_host) {
  table.abi_version = LOCKSTEP_HOST_ABI_VERSION;
  table.struct_size = sizeof(lockstep_host);
  table.self = &simulated_host;
  table.submit_work = &submit_work;
  table.current_thread = &current_thread;
  table.worker_thread_count = &worker_thread_count;
  table.event_create = &event_create;
  table.event_set = &event_set;
  table.event_reset = &event_reset;
  table.event_wait = &event_wait;
  table.event_destroy = &event_destroy;
  table.mutex_create = &mutex_create;
  table.mutex_lock = &mutex_lock;
  table.mutex_unlock = &mutex_unlock;
  table.mutex_destroy = &mutex_destroy;
  table.timer_start = &timer_start;
  table.timer_cancel = &timer_cancel;
  table.now_ns = &now_ns;
  table.allocate = &allocate;
  table.release = &release;
  table.listen = &listen;
  table.accept = &accept;
  table.close_listener = &close_listener;
  table.connect = &connect;
  table.send = &send;
  table.receive = &receive;
  table.shutdown_session = &shutdown_session;
  table.close_connection = &close_connection;
  table.io_limit = &io_limit;
  table.error_create = &error_create;
  table.error_free = &error_free;
  table.log = &log;
  table.annotate = &annotate;
  table.exchange_implementation_state = &exchange_implementation_state;
}

}  // namespace lockstep::harness
