// The C side of the real host: static functions with the exact signatures of lockstep/host.h,
// each forwarding to the RealHost::Core behind `self`. One line per member in the fill
// function, in host.h's order, so a member appended to host.h is one more line here.
#include "harness/real_host/real_clock.h"
#include "harness/real_host/real_host_core.h"

namespace lockstep::real_host {
namespace {

RealHost::Core& core(void* self) {
  return *static_cast<RealHost::Core*>(self);
}

HRESULT submit_work(void* self, lockstep_work_function work, void* state) {
  return core(self).submit_work(work, state);
}
lockstep_thread_id current_thread(void*) {
  return current_thread_number();
}
uint32_t worker_thread_count(void* self) {
  return core(self).pool.worker_count();
}

lockstep_event* event_create(void* self, BOOL manual_reset, BOOL initially_set) {
  return core(self).event_create(manual_reset != 0, initially_set != 0);
}
void event_set(void* self, lockstep_event* event) {
  if (auto found = core(self).event(event, "event_set")) {
    found->set();
  }
}
void event_reset(void* self, lockstep_event* event) {
  if (auto found = core(self).event(event, "event_reset")) {
    found->reset();
  }
}
HRESULT event_wait(void* self, lockstep_event* event, uint64_t timeout_ns) {
  return core(self).event_wait(event, timeout_ns);
}
void event_destroy(void* self, lockstep_event* event) {
  core(self).event_destroy(event);
}

lockstep_mutex* mutex_create(void* self) {
  return core(self).mutex_create();
}
void mutex_lock(void* self, lockstep_mutex* mutex) {
  core(self).mutex_lock(mutex);
}
void mutex_unlock(void* self, lockstep_mutex* mutex) {
  core(self).mutex_unlock(mutex);
}
void mutex_destroy(void* self, lockstep_mutex* mutex) {
  core(self).mutex_destroy(mutex);
}

lockstep_timer* timer_start(void* self, uint64_t delay_ns, lockstep_timer_function function,
                            void* state) {
  return core(self).timer_start(delay_ns, function, state);
}
BOOL timer_cancel(void* self, lockstep_timer* timer) {
  return core(self).timer_cancel(timer) ? 1 : 0;
}

uint64_t now_ns(void* self) {
  return core(self).now_ns();
}

void* allocate(void* self, size_t bytes) {
  return core(self).allocate(bytes);
}
void release(void* self, void* block) {
  core(self).release(block);
}

HRESULT listen(void* self, const char* address, lockstep_listener** listener) {
  return core(self).listen(address, listener);
}
HRESULT accept(void* self, lockstep_listener* listener, lockstep_accept_completion completion,
               void* state) {
  return core(self).accept(listener, completion, state);
}
void close_listener(void* self, lockstep_listener* listener) {
  core(self).close_listener(listener);
}
HRESULT connect(void* self, const char* address, lockstep_connect_completion completion,
                void* state) {
  return core(self).connect(address, completion, state);
}
HRESULT send(void* self, lockstep_connection* connection, const void* message, size_t size,
             lockstep_send_completion completion, void* state) {
  return core(self).send(connection, message, size, completion, state);
}
HRESULT receive(void* self, lockstep_connection* connection, lockstep_receive_completion completion,
                void* state) {
  return core(self).receive(connection, completion, state);
}
HRESULT shutdown_session(void* self, lockstep_connection* connection) {
  return core(self).shutdown_session(connection);
}
void close_connection(void* self, lockstep_connection* connection) {
  core(self).close_connection(connection);
}
uint32_t io_limit(void* self) {
  return core(self).config.io_limit;
}

WS_ERROR* error_create(void* self) {
  return core(self).error_create();
}
void error_free(void* self, WS_ERROR* error) {
  core(self).error_free(error);
}
void log(void* self, const char* message) {
  core(self).log(message);
}
void annotate(void* self, const char* label, uint64_t value) {
  core(self).annotate(label, value);
}
void* exchange_implementation_state(void* self, void* expected, void* desired) {
  void* held = expected;
  // On failure compare_exchange_strong writes what the slot holds into `held`: either way
  // `held` ends up the slot's value before the call, which is what the host table returns.
  core(self).implementation_state.compare_exchange_strong(held, desired);
  return held;
}

}  // namespace

void fill_real_host_table(lockstep_host& table, RealHost::Core& host) {
  table.abi_version = LOCKSTEP_HOST_ABI_VERSION;
  table.struct_size = sizeof(lockstep_host);
  table.self = &host;
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

}  // namespace lockstep::real_host
