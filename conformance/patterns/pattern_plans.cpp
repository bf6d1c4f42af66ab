// Names of the patterns, for labels, suite descriptions and trace annotations, and which
// pattern each family's part is in either role.
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

ClientPattern client_pattern_of(PatternFamily family) {
  switch (family) {
    case PatternFamily::async_result:
      return ClientPattern::async_result;
    case PatternFamily::event_based:
      return ClientPattern::event_based;
    case PatternFamily::task_based:
      return ClientPattern::task_based;
  }
  return ClientPattern::channel;
}

ServicePattern service_pattern_of(PatternFamily family) {
  switch (family) {
    case PatternFamily::async_result:
      return ServicePattern::begin_end;
    case PatternFamily::event_based:
      return ServicePattern::event_based;
    case PatternFamily::task_based:
      return ServicePattern::task_based;
  }
  return ServicePattern::synchronous;
}

}  // namespace lockstep::conformance
