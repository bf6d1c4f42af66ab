// Resolving the parts of a pattern schedule, role by role.
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

// The implementation's part in each role it has, the reference's in the others.
template <typename Functions>
void resolve(const lockstep_implementation& implementation, const Functions* own,
             const Functions* reference, PatternPart<Functions>& client,
             PatternPart<Functions>& service) {
  const lockstep_implementation& fallback = bundled_reference();
  client = own != nullptr && own->create_proxy != nullptr
               ? PatternPart<Functions>{&implementation, own}
               : PatternPart<Functions>{&fallback, reference};
  service = own != nullptr && own->create_service != nullptr
                ? PatternPart<Functions>{&implementation, own}
                : PatternPart<Functions>{&fallback, reference};
}

}  // namespace

PatternParts resolve_pattern_parts(const lockstep_implementation& implementation) {
  const lockstep_implementation& reference = bundled_reference();
  PatternParts parts;
  resolve(implementation, harness::async_result_part(implementation), reference.async_result,
          parts.async_result_client, parts.async_result_service);
  resolve(implementation, harness::event_based_part(implementation), reference.event_based,
          parts.event_based_client, parts.event_based_service);
  resolve(implementation, harness::task_based_part(implementation), reference.task_based,
          parts.task_based_client, parts.task_based_service);
  parts.channel =
      implementation.channel != nullptr
          ? PatternPart<lockstep_channel_functions>{&implementation, implementation.channel}
          : PatternPart<lockstep_channel_functions>{&reference, reference.channel};
  return parts;
}

}  // namespace lockstep::conformance
