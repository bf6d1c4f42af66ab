// Token layout and the process-wide monitor registry.
//
// Layout of a token in a 64-bit void*: bits 63..48 the tag 0x1C57 (a non-canonical x86-64
// address, so a dereference faults at once instead of reading something), bits 47..32 the
// monitor number, bits 31..1 the call number, bit 0 the trap bit. A state whose monitor is not
// registered goes to the most recently registered monitor (the one running the current
// schedule) so that it is reported rather than dropped; registration order, not addresses,
// decides which.
#include "harness/monitor/callback_token.h"

#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lockstep::harness::callback_token {
namespace {

static_assert(sizeof(void*) == 8, "callbackState tokens need a 64-bit void*");

constexpr std::uint64_t kTag = 0x1C57;
constexpr std::uint32_t kCallNumberLimit = 1u << 31;

struct Registry {
  std::vector<std::pair<std::uint16_t, CallbackSink*>> sinks;  // in registration order
  std::uint16_t last_number = 0;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

CallbackSink* sink_for(const std::optional<Token>& token) {
  const Registry& current = registry();
  if (current.sinks.empty()) {
    return nullptr;
  }
  if (token) {
    for (const auto& [number, sink] : current.sinks) {
      if (number == token->monitor) {
        return sink;
      }
    }
  }
  return current.sinks.back().second;
}

// WS_CALLBACK_MODEL has only the enumerators 0 and 1; reading another value through the enum
// type would be undefined behaviour, so the bytes are copied instead.
std::uint32_t raw_model(const WS_CALLBACK_MODEL& model) {
  std::uint32_t raw = 0;
  static_assert(sizeof(model) <= sizeof(raw));
  std::memcpy(&raw, &model, sizeof(model));
  return raw;
}

void dispatch(HRESULT result, std::uint32_t model, void* state, bool through_trap_callback) {
  const std::optional<Token> token = decode(state);
  if (CallbackSink* sink = sink_for(token)) {
    sink->on_callback(token, result, model, through_trap_callback);
  }
}

}  // namespace

void* encode(const Token& token) {
  if (token.call == 0 || token.call >= kCallNumberLimit || token.monitor == 0) {
    throw std::logic_error("callback token: call or monitor number out of range");
  }
  const std::uint64_t bits = (kTag << 48) | (std::uint64_t{token.monitor} << 32) |
                             (std::uint64_t{token.call} << 1) | (token.trap ? 1u : 0u);
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(bits));
}

std::optional<Token> decode(const void* state) {
  const auto bits = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(state));
  if ((bits >> 48) != kTag) {
    return std::nullopt;
  }
  Token token;
  token.monitor = static_cast<std::uint16_t>((bits >> 32) & 0xFFFFu);
  token.call = static_cast<std::uint32_t>((bits & 0xFFFFFFFFu) >> 1);
  token.trap = (bits & 1u) != 0;
  if (token.monitor == 0 || token.call == 0) {
    return std::nullopt;
  }
  return token;
}

std::uint16_t register_sink(CallbackSink& sink) {
  Registry& current = registry();
  // Numbers cycle through 1..65535, skipping those still in use.
  for (std::uint32_t attempt = 0; attempt < 0xFFFFu; ++attempt) {
    current.last_number = static_cast<std::uint16_t>(current.last_number % 0xFFFFu + 1);
    bool in_use = false;
    for (const auto& entry : current.sinks) {
      in_use = in_use || entry.first == current.last_number;
    }
    if (!in_use) {
      current.sinks.emplace_back(current.last_number, &sink);
      return current.last_number;
    }
  }
  throw std::runtime_error("callback token: more than 65535 call monitors alive at once");
}

void unregister_sink(std::uint16_t monitor) {
  std::vector<std::pair<std::uint16_t, CallbackSink*>>& sinks = registry().sinks;
  for (auto entry = sinks.begin(); entry != sinks.end(); ++entry) {
    if (entry->first == monitor) {
      sinks.erase(entry);
      return;
    }
  }
}

void trampoline(HRESULT result, WS_CALLBACK_MODEL model, void* state) {
  dispatch(result, raw_model(model), state, false);
}

void trap_callback(HRESULT result, WS_CALLBACK_MODEL model, void* state) {
  dispatch(result, raw_model(model), state, true);
}

}  // namespace lockstep::harness::callback_token
