// Forwarding every host entry, and counting blocking event waits per simulated thread.
#include "conformance/channel/observing_host.h"

#include <type_traits>
#include <utility>

namespace lockstep::conformance {

namespace {

template <auto Member, typename Function>
struct Forwarder;

// Calls the inner table's entry with the inner table's `self`.
template <auto Member, typename Result, typename... Arguments>
struct Forwarder<Member, Result (*)(void*, Arguments...)> {
  static Result call(void* self, Arguments... arguments) {
    const lockstep_host* inner = static_cast<ChannelObservingHost*>(self)->inner();
    return (inner->*Member)(inner->self, arguments...);
  }
};

template <auto Member>
constexpr auto forwarder() {
  using Function = std::remove_cvref_t<decltype(std::declval<lockstep_host>().*Member)>;
  return &Forwarder<Member, Function>::call;
}

HRESULT observed_event_wait(void* self, lockstep_event* event, uint64_t timeout_ns) {
  return static_cast<ChannelObservingHost*>(self)->event_wait(event, timeout_ns);
}

}  // namespace

ChannelObservingHost::ChannelObservingHost(Simulation& simulation, const lockstep_host& inner)
    : simulation_(simulation), inner_(inner) {
  table_.abi_version = inner.abi_version;
  table_.struct_size = sizeof(lockstep_host);
  table_.self = this;
  table_.submit_work = forwarder<&lockstep_host::submit_work>();
  table_.current_thread = forwarder<&lockstep_host::current_thread>();
  table_.worker_thread_count = forwarder<&lockstep_host::worker_thread_count>();
  table_.event_create = forwarder<&lockstep_host::event_create>();
  table_.event_set = forwarder<&lockstep_host::event_set>();
  table_.event_reset = forwarder<&lockstep_host::event_reset>();
  table_.event_wait = &observed_event_wait;
  table_.event_destroy = forwarder<&lockstep_host::event_destroy>();
  table_.mutex_create = forwarder<&lockstep_host::mutex_create>();
  table_.mutex_lock = forwarder<&lockstep_host::mutex_lock>();
  table_.mutex_unlock = forwarder<&lockstep_host::mutex_unlock>();
  table_.mutex_destroy = forwarder<&lockstep_host::mutex_destroy>();
  table_.timer_start = forwarder<&lockstep_host::timer_start>();
  table_.timer_cancel = forwarder<&lockstep_host::timer_cancel>();
  table_.now_ns = forwarder<&lockstep_host::now_ns>();
  table_.allocate = forwarder<&lockstep_host::allocate>();
  table_.release = forwarder<&lockstep_host::release>();
  table_.listen = forwarder<&lockstep_host::listen>();
  table_.accept = forwarder<&lockstep_host::accept>();
  table_.close_listener = forwarder<&lockstep_host::close_listener>();
  table_.connect = forwarder<&lockstep_host::connect>();
  table_.send = forwarder<&lockstep_host::send>();
  table_.receive = forwarder<&lockstep_host::receive>();
  table_.shutdown_session = forwarder<&lockstep_host::shutdown_session>();
  table_.close_connection = forwarder<&lockstep_host::close_connection>();
  table_.io_limit = forwarder<&lockstep_host::io_limit>();
  table_.error_create = forwarder<&lockstep_host::error_create>();
  table_.error_free = forwarder<&lockstep_host::error_free>();
  table_.log = forwarder<&lockstep_host::log>();
  table_.annotate = forwarder<&lockstep_host::annotate>();
  table_.exchange_implementation_state = forwarder<&lockstep_host::exchange_implementation_state>();
}

std::uint64_t ChannelObservingHost::event_waits(FiberId fiber) const {
  const auto found = event_waits_.find(fiber);
  return found == event_waits_.end() ? 0 : found->second;
}

HRESULT ChannelObservingHost::event_wait(lockstep_event* event, std::uint64_t timeout_ns) {
  // Counted before the wait: an abort has no reason to wait on anything, set or not.
  ++event_waits_[simulation_.current_fiber()];
  return inner_.event_wait(inner_.self, event, timeout_ns);
}

}  // namespace lockstep::conformance
