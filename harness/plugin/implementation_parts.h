// The pattern parts of an implementation table, read only when its struct_size holds them.
//
// Why it exists: the IAsyncResult, event-based and task-based parts were appended to
// lockstep_implementation after its first release, so a plugin built against an older header
// has a smaller table and those members are not there to read. Every reader of the appended
// members goes through these functions. Invariant: a member beyond struct_size is never read.
#pragma once

#include "lockstep/implementation.h"

namespace lockstep::harness {

/// The IAsyncResult part, or nullptr when not provided (or the table predates it).
inline const lockstep_async_result_functions* async_result_part(
    const lockstep_implementation& table) {
  return LOCKSTEP_IMPLEMENTATION_HAS(&table, async_result) ? table.async_result : nullptr;
}

/// The event-based part, or nullptr.
inline const lockstep_event_based_functions* event_based_part(
    const lockstep_implementation& table) {
  return LOCKSTEP_IMPLEMENTATION_HAS(&table, event_based) ? table.event_based : nullptr;
}

/// The task-based part, or nullptr.
inline const lockstep_task_based_functions* task_based_part(const lockstep_implementation& table) {
  return LOCKSTEP_IMPLEMENTATION_HAS(&table, task_based) ? table.task_based : nullptr;
}

}  // namespace lockstep::harness
