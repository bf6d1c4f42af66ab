// Trace recording and the incremental trace hash.
#include "scheduler/trace.h"

#include "scheduler/hash.h"

namespace lockstep {

std::string_view trace_kind_name(TraceKind kind) {
  switch (kind) {
    case TraceKind::fiber_spawned:
      return "spawn";
    case TraceKind::fiber_ran:
      return "run";
    case TraceKind::fiber_blocked:
      return "block";
    case TraceKind::fiber_finished:
      return "finish";
    case TraceKind::event_fired:
      return "event";
    case TraceKind::clock_advanced:
      return "clock";
    case TraceKind::annotation:
      return "note";
    case TraceKind::outcome:
      return "outcome";
  }
  return "unknown";
}

void Trace::record(std::uint64_t time_ns, TraceKind kind, std::uint32_t fiber, std::uint64_t value,
                   std::string_view label) {
  // One mix per event keeps a scheduler step cheap: the fields are spread by distinct odd
  // multipliers before the mix; the id is implied by the order.
  std::uint64_t head = (static_cast<std::uint64_t>(kind) << 56) ^
                       (static_cast<std::uint64_t>(fiber) << 16) ^
                       (time_ns * 0x9E3779B97F4A7C15ull) ^ (value * 0xC2B2AE3D27D4EB4Full) ^
                       pending_decisions_;
  if (!label.empty()) {
    head ^= hash_bytes(label);
  }
  pending_decisions_ = 0;
  hash_ = hash_mix(hash_, head);
  if (keep_events_) {
    events_.push_back(TraceEvent{count_, time_ns, kind, fiber, value, std::string(label)});
  }
  ++count_;
}

void Trace::fold_decision(std::uint64_t kind, std::uint64_t bound, std::uint64_t value) {
  // Multiply-add keeps the order of several decisions between two events significant.
  pending_decisions_ = pending_decisions_ * 0xD1B54A32D192ED03ull +
                       ((kind << 60) ^ (bound << 24) ^ value ^ 0x165667B19E3779F9ull);
}

}  // namespace lockstep
