// ServiceObservingHost: every table entry forwards to the SimulatedHost's own table; memory,
// accepts and sends are watched on the way.
#include "conformance/service/observing_host.h"

#include <cstring>

namespace lockstep::conformance {

ServiceObservingHost::ServiceObservingHost(harness::SimulatedHost& inner) : inner_(inner.table()) {
  fill_table();
}

ServiceObservingHost::~ServiceObservingHost() = default;

void ServiceObservingHost::release_quarantine() {
  for (void* block : quarantine_) {
    inner_->release(inner_->self, block);
  }
  quarantine_.clear();
}

void* ServiceObservingHost::allocate(std::size_t bytes) {
  void* block = inner_->allocate(inner_->self, bytes);
  if (block != nullptr) {
    sizes_[block] = bytes;
  }
  return block;
}

void ServiceObservingHost::release(void* block) {
  if (block == nullptr) {
    return;
  }
  auto found = sizes_.find(block);
  if (found == sizes_.end()) {
    inner_->release(inner_->self, block);  // the simulated host reports the bad release
    return;
  }
  const std::size_t bytes = found->second;
  sizes_.erase(found);
  if (on_release) {
    on_release(block, bytes);
  }
  std::memset(block, kReleasedByte, bytes);
  quarantine_.push_back(block);
}

HRESULT ServiceObservingHost::accept(lockstep_listener* listener,
                                     lockstep_accept_completion completion, void* state) {
  if (completion == nullptr) {
    return E_INVALIDARG;
  }
  const std::uint64_t key = next_key_++;
  auto pending = std::make_unique<PendingAccept>(PendingAccept{this, key, completion, state});
  PendingAccept* raw = pending.get();
  const HRESULT result = inner_->accept(
      inner_->self, listener,
      [](void* carried, HRESULT outcome, lockstep_connection* connection) {
        auto* record = static_cast<PendingAccept*>(carried);
        ServiceObservingHost& owner = *record->owner;
        const PendingAccept copy = *record;
        owner.accepts_.erase(copy.key);
        if (SUCCEEDED(outcome) && owner.on_accepted) {
          owner.on_accepted(harness::SimulatedHost::connection_id(connection));
        }
        copy.completion(copy.state, outcome, connection);
      },
      raw);
  if (SUCCEEDED(result)) {
    accepts_.emplace(key, std::move(pending));
  }
  return result;
}

HRESULT ServiceObservingHost::send(lockstep_connection* connection, const void* message,
                                   std::size_t size, lockstep_send_completion completion,
                                   void* state) {
  if (completion == nullptr || (message == nullptr && size > 0)) {
    return E_INVALIDARG;
  }
  const std::uint64_t key = next_key_++;
  const std::string_view bytes(static_cast<const char*>(message), size);
  const std::uint64_t send =
      on_send ? on_send(harness::SimulatedHost::connection_id(connection), bytes) : 0;
  auto pending = std::make_unique<PendingSend>(PendingSend{this, key, send, completion, state});
  PendingSend* raw = pending.get();
  const HRESULT result = inner_->send(
      inner_->self, connection, message, size,
      [](void* carried, HRESULT outcome) {
        auto* record = static_cast<PendingSend*>(carried);
        ServiceObservingHost& owner = *record->owner;
        const PendingSend copy = *record;
        owner.sends_.erase(copy.key);
        if (owner.on_send_completed) {
          owner.on_send_completed(copy.send, outcome);
        }
        copy.completion(copy.state, outcome);
      },
      raw);
  if (SUCCEEDED(result)) {
    sends_.emplace(key, std::move(pending));
  }
  if (on_send_returned) {
    on_send_returned(send, result);  // copied now, or refused: nothing more will be written
  }
  return result;
}

void ServiceObservingHost::fill_table() {
  table_ = *inner_;
  table_.self = this;
  table_.submit_work = [](void* self, lockstep_work_function work, void* state) {
    return inner(self).submit_work(inner(self).self, work, state);
  };
  table_.current_thread = [](void* self) { return inner(self).current_thread(inner(self).self); };
  table_.worker_thread_count = [](void* self) {
    return inner(self).worker_thread_count(inner(self).self);
  };
  table_.event_create = [](void* self, BOOL manual_reset, BOOL initially_set) {
    return inner(self).event_create(inner(self).self, manual_reset, initially_set);
  };
  table_.event_set = [](void* self, lockstep_event* event) {
    inner(self).event_set(inner(self).self, event);
  };
  table_.event_reset = [](void* self, lockstep_event* event) {
    inner(self).event_reset(inner(self).self, event);
  };
  table_.event_wait = [](void* self, lockstep_event* event, std::uint64_t timeout_ns) {
    return inner(self).event_wait(inner(self).self, event, timeout_ns);
  };
  table_.event_destroy = [](void* self, lockstep_event* event) {
    inner(self).event_destroy(inner(self).self, event);
  };
  table_.mutex_create = [](void* self) { return inner(self).mutex_create(inner(self).self); };
  table_.mutex_lock = [](void* self, lockstep_mutex* mutex) {
    inner(self).mutex_lock(inner(self).self, mutex);
  };
  table_.mutex_unlock = [](void* self, lockstep_mutex* mutex) {
    inner(self).mutex_unlock(inner(self).self, mutex);
  };
  table_.mutex_destroy = [](void* self, lockstep_mutex* mutex) {
    inner(self).mutex_destroy(inner(self).self, mutex);
  };
  table_.timer_start = [](void* self, std::uint64_t delay_ns, lockstep_timer_function function,
                          void* state) {
    return inner(self).timer_start(inner(self).self, delay_ns, function, state);
  };
  table_.timer_cancel = [](void* self, lockstep_timer* timer) {
    return inner(self).timer_cancel(inner(self).self, timer);
  };
  table_.now_ns = [](void* self) { return inner(self).now_ns(inner(self).self); };
  table_.allocate = [](void* self, std::size_t bytes) { return from(self).allocate(bytes); };
  table_.release = [](void* self, void* block) { from(self).release(block); };
  table_.listen = [](void* self, const char* address, lockstep_listener** listener) {
    return inner(self).listen(inner(self).self, address, listener);
  };
  table_.accept = [](void* self, lockstep_listener* listener, lockstep_accept_completion completion,
                     void* state) { return from(self).accept(listener, completion, state); };
  table_.close_listener = [](void* self, lockstep_listener* listener) {
    inner(self).close_listener(inner(self).self, listener);
  };
  table_.connect = [](void* self, const char* address, lockstep_connect_completion completion,
                      void* state) {
    return inner(self).connect(inner(self).self, address, completion, state);
  };
  table_.send = [](void* self, lockstep_connection* connection, const void* message,
                   std::size_t size, lockstep_send_completion completion, void* state) {
    return from(self).send(connection, message, size, completion, state);
  };
  table_.receive = [](void* self, lockstep_connection* connection,
                      lockstep_receive_completion completion, void* state) {
    return inner(self).receive(inner(self).self, connection, completion, state);
  };
  table_.shutdown_session = [](void* self, lockstep_connection* connection) {
    return inner(self).shutdown_session(inner(self).self, connection);
  };
  table_.close_connection = [](void* self, lockstep_connection* connection) {
    inner(self).close_connection(inner(self).self, connection);
  };
  table_.io_limit = [](void* self) { return inner(self).io_limit(inner(self).self); };
  table_.error_create = [](void* self) { return inner(self).error_create(inner(self).self); };
  table_.error_free = [](void* self, WS_ERROR* error) {
    inner(self).error_free(inner(self).self, error);
  };
  table_.log = [](void* self, const char* message) { inner(self).log(inner(self).self, message); };
  table_.annotate = [](void* self, const char* label, std::uint64_t value) {
    inner(self).annotate(inner(self).self, label, value);
  };
  table_.exchange_implementation_state = [](void* self, void* expected, void* desired) {
    return inner(self).exchange_implementation_state(inner(self).self, expected, desired);
  };
}

}  // namespace lockstep::conformance
