// The process-wide half of guarded memory: the SIGSEGV handler and the table it reads.
//
// Signal dispositions belong to the process, not to a simulation, so this is the one place in
// the harness with global state. Everything the handler touches is preallocated: a fixed array
// of region slots, each holding one guarded buffer's pages and room for its single recorded
// access (an access is recorded once per buffer, so a slot never needs more). The handler only
// reads slots, writes the fault fields of the one it matched, calls mprotect and reads three
// plain members of the owning Simulation: all async-signal-safe. The harness's fibers run on
// one OS thread and faults are synchronous, so the handler never races the code that edits the
// table. Faults outside armed regions go to the handler that was installed before ours.
#pragma once

#include <cstddef>
#include <cstdint>

#include "scheduler/simulation.h"

namespace lockstep::harness::guard_signal {

using RegionSlot = std::size_t;

/// One access the handler caught, as copied out of its slot.
struct CaughtAccess {
  std::uint64_t sequence = 0;  ///< process-wide order of catching
  std::size_t offset = 0;
  bool write = false;
  std::uint64_t step = 0;
  std::uint64_t time_ns = 0;
  std::uint64_t thread = 0;
};

/// Installs the handler when the first user arrives; restores the previous one when the last
/// leaves (if nobody replaced ours meanwhile).
void acquire_handler();
void release_handler();

/// Claims a slot for the pages [begin, begin + length). Throws when the table is full.
RegionSlot register_region(void* begin, std::size_t length, const Simulation& simulation);
void unregister_region(RegionSlot slot);

/// Arms the slot: the caller has just made its pages PROT_NONE.
void arm(RegionSlot slot);
/// True while the pages are PROT_NONE (armed and no access caught yet).
bool armed(RegionSlot slot);
/// The access caught in this slot, once (false if none, or already taken).
bool take_caught_access(RegionSlot slot, CaughtAccess& access);

}  // namespace lockstep::harness::guard_signal
