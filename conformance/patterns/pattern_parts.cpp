// Resolving the parts of a pattern schedule.
#include "conformance/patterns/pattern_parts.h"

#include "channel.h"
#include "harness/plugin/implementation_parts.h"
#include "reference_patterns.h"

namespace lockstep::conformance {

namespace {

// The reference's parts as lockstep ships them: a plain table, so the reference code reads
// no defect bits from it.
const lockstep_implementation& bundled_reference() {
  static const lockstep_implementation table = {
      LOCKSTEP_IMPLEMENTATION_ABI_VERSION,
      sizeof(lockstep_implementation),
      "lockstep-reference",
      "1",
      &reference_channel_functions,
      nullptr,
      nullptr,
      &reference_async_result_functions,
      &reference_event_based_functions,
      &reference_task_based_functions,
  };
  return table;
}

}  // namespace

PatternParts resolve_pattern_parts(const lockstep_implementation& implementation) {
  const lockstep_implementation& reference = bundled_reference();
  PatternParts parts;
  if (const auto* own = harness::async_result_part(implementation)) {
    parts.async_result_self = &implementation;
    parts.async_result = own;
  } else {
    parts.async_result_self = &reference;
    parts.async_result = reference.async_result;
  }
  if (const auto* own = harness::event_based_part(implementation)) {
    parts.event_based_self = &implementation;
    parts.event_based = own;
  } else {
    parts.event_based_self = &reference;
    parts.event_based = reference.event_based;
  }
  if (const auto* own = harness::task_based_part(implementation)) {
    parts.task_based_self = &implementation;
    parts.task_based = own;
  } else {
    parts.task_based_self = &reference;
    parts.task_based = reference.task_based;
  }
  if (implementation.channel != nullptr) {
    parts.channel_self = &implementation;
    parts.channel = implementation.channel;
  } else {
    parts.channel_self = &reference;
    parts.channel = reference.channel;
  }
  return parts;
}

}  // namespace lockstep::conformance
