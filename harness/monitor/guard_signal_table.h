// The process-wide half of guarded memory: the SIGSEGV handler and the table it reads.
//
// Signal dispositions belong to the process, not to a simulation, so this is the one place in
// the harness with global state. Everything the handler touches is preallocated: a fixed array
// of region slots, each holding one pooled mapping's pages and room for its single recorded
// access (an access is recorded once per buffer, so a slot never needs more). The handler only
// reads slots up to the highest one ever used, writes the fault fields of the one it matched,
// calls mprotect and reads three plain members of the owning Simulation: all
// async-signal-safe. The harness's fibers run on one OS thread and faults are synchronous, so
// the handler never races the code that edits the table. Faults outside armed regions go to
// the handler that was installed before ours.
//
// The handler is installed once, when the first user arrives, and then stays: installing and
// restoring it per schedule cost two system calls each time. A later user checks (one query)
// that it is still the process's handler and installs it again if someone replaced it.
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

/// Makes sure the handler is the process's SIGSEGV handler (installs it if it is not).
void acquire_handler();
/// A user is done; the handler stays installed (it passes every foreign fault on).
void release_handler();

/// Claims a slot for the pages [begin, begin + length), owned by no simulation yet. Throws
/// when the table is full.
RegionSlot register_region(void* begin, std::size_t length);
void unregister_region(RegionSlot slot);
/// The simulation whose step, time and thread an access in the slot is recorded with;
/// clears any access still recorded and disarms the slot.
void assign(RegionSlot slot, const Simulation* simulation);

/// Arms the slot: the caller has just made its pages PROT_NONE.
void arm(RegionSlot slot);
/// True while the pages are PROT_NONE (armed and no access caught yet).
bool armed(RegionSlot slot);
/// How many accesses the handler has caught in this process so far: while it has not
/// changed, no slot holds a new access (a cheap test before scanning slots).
std::uint64_t catches_so_far();
/// The access caught in this slot, once (false if none, or already taken).
bool take_caught_access(RegionSlot slot, CaughtAccess& access);

}  // namespace lockstep::harness::guard_signal
