// The trace of one schedule: what happened, in order, on the virtual clock.
//
// Fiber runs, spawns and finishes, events fired, clock advances, and whatever the layers above
// annotate (calls, completions, callbacks, faults). Each event has a sequential id and a
// virtual timestamp, never an address. The 64-bit trace hash folds every event in as it is
// recorded, so it is available even when the events themselves are not kept (benchmarks,
// long soaks). Invariant: equal traces give equal hashes on every machine and build.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep {

enum class TraceKind : std::uint8_t {
  fiber_spawned = 0,
  fiber_ran = 1,
  fiber_blocked = 2,
  fiber_finished = 3,
  event_fired = 4,
  clock_advanced = 5,
  annotation = 6,
  outcome = 7,
};

std::string_view trace_kind_name(TraceKind kind);

/// `fiber` is 0 for the scheduler itself (events, clock); fibers are numbered from 1.
struct TraceEvent {
  std::uint64_t id;
  std::uint64_t time_ns;
  TraceKind kind;
  std::uint32_t fiber;
  std::uint64_t value;
  std::string label;
};

class Trace {
 public:
  explicit Trace(bool keep_events) : keep_events_(keep_events) {}

  void record(std::uint64_t time_ns, TraceKind kind, std::uint32_t fiber, std::uint64_t value,
              std::string_view label);

  /// Folds a strategy decision into the hash (with the next event) without storing one: two schedules that
  /// differ only in a decision without visible effect still hash differently.
  void fold_decision(std::uint64_t kind, std::uint64_t bound, std::uint64_t value);

  /// Complete once the schedule's final `outcome` event is recorded.
  std::uint64_t hash() const { return hash_; }
  std::uint64_t count() const { return count_; }
  bool keeps_events() const { return keep_events_; }
  /// Empty unless constructed with keep_events.
  const std::vector<TraceEvent>& events() const { return events_; }

 private:
  bool keep_events_;
  std::uint64_t hash_ = 0x6C6F636B73746570ull;
  std::uint64_t pending_decisions_ = 0;  // folded into the next recorded event
  std::uint64_t count_ = 0;
  std::vector<TraceEvent> events_;

 public:
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;
};

}  // namespace lockstep
