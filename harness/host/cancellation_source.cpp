// Cancellation tokens: registration bookkeeping and the C trampolines.
#include "harness/host/cancellation_source.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace lockstep::harness {

namespace {

struct TokenView {
  lockstep_cancellation_token base;
  CancellationSource* source;
};

CancellationSource& source_of(lockstep_cancellation_token* token) {
  if (token == nullptr) {
    throw std::logic_error("cancellation token: NULL token");
  }
  return *reinterpret_cast<TokenView*>(token)->source;
}

BOOL is_cancellation_requested(lockstep_cancellation_token* token) {
  return source_of(token).cancellation_requested() ? TRUE : FALSE;
}

HRESULT register_callback(lockstep_cancellation_token* token,
                          lockstep_cancellation_callback callback, void* state,
                          lockstep_cancellation_registration** registration) {
  return source_of(token).register_callback(callback, state, registration);
}

BOOL unregister(lockstep_cancellation_token* token,
                lockstep_cancellation_registration* registration) {
  return source_of(token).unregister(registration) ? TRUE : FALSE;
}

const lockstep_cancellation_token_ops kTokenOps = {
    LOCKSTEP_CANCELLATION_TOKEN_ABI_VERSION, sizeof(lockstep_cancellation_token_ops),
    is_cancellation_requested, register_callback, unregister};

std::uint64_t id_of(lockstep_cancellation_registration* registration) {
  return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(registration));
}

}  // namespace

CancellationSource::CancellationSource(Simulation& simulation) : simulation_(simulation) {
  static_assert(sizeof(Token) == sizeof(TokenView), "the trampolines read a Token");
  token_.base.ops = &kTokenOps;
  token_.source = this;
}

CancellationSource::~CancellationSource() = default;

void CancellationSource::cancel() {
  if (cancelled_) {
    return;
  }
  cancelled_ = true;
  simulation_.annotate("cancellation requested");
  // A callback may unregister others (or itself): walk the ids, not the map.
  std::vector<std::uint64_t> ids;
  for (const auto& [id, registration] : registrations_) {
    ids.push_back(id);
  }
  for (const std::uint64_t id : ids) {
    auto position = registrations_.find(id);
    if (position == registrations_.end() || position->second.started) {
      continue;
    }
    position->second.started = true;
    const Registration registration = position->second;
    registration.callback(registration.state);
  }
}

HRESULT CancellationSource::register_callback(lockstep_cancellation_callback callback, void* state,
                                              lockstep_cancellation_registration** registration) {
  if (callback == nullptr || registration == nullptr) {
    return E_INVALIDARG;
  }
  const std::uint64_t id = next_registration_++;
  Registration& added = registrations_[id];
  added.callback = callback;
  added.state = state;
  *registration =
      reinterpret_cast<lockstep_cancellation_registration*>(static_cast<std::uintptr_t>(id));
  if (cancelled_) {
    added.started = true;
    callback(state);  // already cancelled: now, inside this call, on this thread
  }
  return S_OK;
}

bool CancellationSource::unregister(lockstep_cancellation_registration* registration) {
  auto position = registrations_.find(id_of(registration));
  if (position == registrations_.end()) {
    throw std::logic_error(
        "cancellation token unregister: not a live registration (stale, "
        "unregistered twice or never registered)");
  }
  const bool removed_before_start = !position->second.started;
  registrations_.erase(position);
  return removed_before_start;
}

}  // namespace lockstep::harness
