// Pooled page mappings for guarded caller buffers.
//
// Why it exists: a guarded buffer needs pages of its own that can be made PROT_NONE when
// ownership returns to the caller. Mapping, protecting and unmapping them per buffer cost a
// dozen system calls and page faults per schedule and most of a channel schedule's CPU, so
// the mappings are kept and reused, process-wide (like the SIGSEGV handler that reads them).
//
// Layout: each pooled mapping is its buffer's pages, marked MADV_DONTDUMP, followed by one
// PROT_NONE gap page that is not. The kernel merges neighbouring mappings only when their
// flags are equal: a buffer's pages differ from their own gap, from the next mapping's gap and
// from ordinary mappings (which are not DONTDUMP) in either state, read-write or PROT_NONE, so
// a buffer's mapping is never merged and never split again: every later mprotect changes one
// whole mapping in place. An access running past a buffer's pages meets the gap (a crash, not
// silent corruption of another buffer); buffers are left out of core dumps.
//
// Invariants: a mapping handed out is read-write and zero-filled over all its pages; it holds
// one region slot of the signal table for its whole life, assigned to the taker's simulation;
// a returned mapping is disarmed and may still be PROT_NONE (the pool remembers). Not
// thread-safe, like the simulator.
#pragma once

#include <cstddef>

#include "harness/monitor/guard_signal_table.h"
#include "scheduler/simulation.h"

namespace lockstep::harness::guard_pool {

struct PooledPages {
  void* data = nullptr;
  std::size_t mapped_bytes = 0;  ///< whole pages, without the gap page
  guard_signal::RegionSlot slot = 0;
  bool closed = false;  ///< PROT_NONE at the moment it was returned
};

/// Read-write, zero-filled pages for `bytes` (at least one page), whose accesses are recorded
/// with `simulation`. Throws std::runtime_error when the system refuses a mapping.
PooledPages take(std::size_t bytes, const Simulation& simulation);
/// Back to the pool (or unmapped, beyond what the pool keeps). `closed`: its pages are
/// PROT_NONE now.
void give_back(PooledPages pages, bool closed);

/// Mappings the pool holds that are not handed out (for tests and benchmarks).
std::size_t pooled_count();

}  // namespace lockstep::harness::guard_pool
