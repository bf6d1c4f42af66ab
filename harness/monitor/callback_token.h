// callbackState tokens and the static callbacks that decode them.
//
// The monitor never hands an implementation a pointer as callbackState: it hands a token
// (a distinctive tag, a monitor number, a call number and a trap bit packed into the void*),
// so a forged, stale or foreign state is recognised by lookup and reported, never
// dereferenced. A WS_ASYNC_CALLBACK has no room for a monitor pointer, so the trampoline finds
// its monitor through a small process-wide registry from monitor number to live monitor. That
// registry is the second global of the harness (after the SIGSEGV handler of guarded memory)
// and exists only because of the C callback signature; monitors join it in construction and
// leave it in destruction, and several simulations may hold monitors in turn or at once.
#pragma once

#include <cstdint>
#include <optional>

#include "lockstep/ws.h"

namespace lockstep::harness::callback_token {

struct Token {
  std::uint16_t monitor = 0;  ///< registry number, never 0 in a real token
  std::uint32_t call = 0;     ///< 1-based call number within the monitor (31 bits)
  bool trap = false;          ///< the state scribbled into a context after its call returned
};

void* encode(const Token& token);
/// The token a state carries, or nothing when it does not carry the tag.
std::optional<Token> decode(const void* state);

/// A monitor as the callbacks see it.
class CallbackSink {
 public:
  /// A callback arrived. `token` is empty for a state without the tag; `token->monitor` may
  /// name another monitor when the sink is only the fallback. `model` is the raw value (an
  /// implementation may pass one that is not a WS_CALLBACK_MODEL enumerator).
  /// `through_trap_callback` is true when the trap callback of a used-up context was called.
  virtual void on_callback(std::optional<Token> token, HRESULT result, std::uint32_t model,
                           bool through_trap_callback) = 0;

 protected:
  ~CallbackSink() = default;
};

/// Joins the registry; returns the monitor number to put in tokens.
std::uint16_t register_sink(CallbackSink& sink);
void unregister_sink(std::uint16_t monitor);

/// The callback handed to implementations in every live context.
void trampoline(HRESULT result, WS_CALLBACK_MODEL model, void* state);
/// The callback scribbled into a context once its call has returned.
void trap_callback(HRESULT result, WS_CALLBACK_MODEL model, void* state);

}  // namespace lockstep::harness::callback_token
