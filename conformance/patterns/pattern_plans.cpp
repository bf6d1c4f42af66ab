// Names of the patterns, for labels, suite descriptions and trace annotations.
#include "conformance/patterns/pattern_plans.h"

namespace lockstep::conformance {

const char* client_pattern_name(ClientPattern pattern) {
  switch (pattern) {
    case ClientPattern::async_result:
      return "IAsyncResult client";
    case ClientPattern::event_based:
      return "event-based client";
    case ClientPattern::task_based:
      return "task-based client";
    case ClientPattern::channel:
      return "plain channel client";
  }
  return "?";
}

const char* service_pattern_name(ServicePattern pattern) {
  switch (pattern) {
    case ServicePattern::begin_end:
      return "Begin/End service";
    case ServicePattern::event_based:
      return "event-based service";
    case ServicePattern::task_based:
      return "task-returning service";
    case ServicePattern::synchronous:
      return "synchronous service";
  }
  return "?";
}

const char* pattern_family_name(PatternFamily family) {
  switch (family) {
    case PatternFamily::async_result:
      return "async-result";
    case PatternFamily::event_based:
      return "event-based";
    case PatternFamily::task_based:
      return "task-based";
  }
  return "?";
}

}  // namespace lockstep::conformance
