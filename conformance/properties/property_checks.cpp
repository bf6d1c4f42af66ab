// The properties a run checks, which apply, and one seeded check of one of them.
#include "conformance/properties/property_checks.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "conformance/properties/async_execute_property.h"
#include "conformance/properties/channel_property.h"
#include "conformance/properties/patterns_property.h"
#include "conformance/properties/property_check.h"
#include "conformance/properties/service_property.h"
#include "harness/plugin/implementation_parts.h"

namespace lockstep::conformance::properties {

namespace {

// RapidCheck's case size: the command sequences of the GoogleTest suites (max_size=60).
constexpr int kMaxSize = 60;

// One case of the property, recording what it ran; the last failing case is the shrunk one.
struct PropertyBody {
  std::function<void()> body;
  std::function<const std::optional<PropertyCase>&()> last_failure;
};

PropertyBody body_of(const lockstep_implementation& implementation, std::size_t property,
                     const std::string& focus_rule) {
  const RunnableProperty& entry = runnable_properties().at(property);
  if (entry.part == "channel") {
    auto recorder = std::make_shared<ChannelCaseRecorder>();
    return {[&implementation, recorder, focus_rule] {
              check_channel_case(implementation, ChannelClaim::rules_only, *recorder, focus_rule);
            },
            [recorder]() -> const std::optional<PropertyCase>& {
              return recorder->cases.last_failure();
            }};
  }
  if (entry.part == "service-host") {
    auto recorder = std::make_shared<ServiceCaseRecorder>();
    return {[&implementation, recorder, focus_rule] {
              check_service_case(implementation, *recorder, focus_rule);
            },
            [recorder]() -> const std::optional<PropertyCase>& {
              return recorder->cases.last_failure();
            }};
  }
  if (entry.part == "async-execute") {
    auto recorder = std::make_shared<AsyncExecuteCaseRecorder>();
    return {[&implementation, recorder, focus_rule] {
              check_async_execute_case(implementation, *recorder, focus_rule);
            },
            [recorder]() -> const std::optional<PropertyCase>& {
              return recorder->cases.last_failure();
            }};
  }
  const PatternFamily family = entry.part == "async-result"  ? PatternFamily::async_result
                               : entry.part == "event-based" ? PatternFamily::event_based
                                                             : PatternFamily::task_based;
  auto recorder = std::make_shared<PatternCaseRecorder>();
  return {[&implementation, recorder, family, focus_rule] {
            check_pattern_case(implementation, family, *recorder, focus_rule);
          },
          [recorder]() -> const std::optional<PropertyCase>& {
            return recorder->cases.last_failure();
          }};
}

std::vector<std::string> rules_broken_by(const PropertyCase& failure) {
  std::vector<std::string> rules;
  for (const harness::Violation& violation : failure.outcome.world.violations) {
    if (std::find(rules.begin(), rules.end(), violation.rule) == rules.end()) {
      rules.push_back(violation.rule);
    }
  }
  if (failure.outcome.world.abnormal_end()) {
    rules.emplace_back(outcome_name(failure.outcome.world.run.outcome));
  }
  if (rules.empty() && !failure.claim_broken.empty()) {
    rules.emplace_back("claim");
  }
  return rules;
}

}  // namespace

const std::vector<RunnableProperty>& runnable_properties() {
  static const std::vector<RunnableProperty> all = [] {
    std::vector<RunnableProperty> properties = {
        {"channel lifecycle", "channel", "channel", kChannelLifecycleRules},
        {"service host", "service-host", "service", kServiceHostRules},
        {"async-execute chains", "async-execute", "async-execute", kAsyncExecuteChainRules},
    };
    for (const auto& [family, part] :
         {std::pair{PatternFamily::async_result, "async-result"},
          std::pair{PatternFamily::event_based, "event-based"},
          std::pair{PatternFamily::task_based, "task-based"}}) {
      properties.push_back(
          {pattern_property_name(family), part, part, pattern_property_rules(family)});
    }
    return properties;
  }();
  return all;
}

bool implementation_provides(const lockstep_implementation& implementation,
                             std::string_view part) {
  if (part == "channel") {
    return implementation.channel != nullptr;
  }
  if (part == "service-host") {
    return implementation.service_host != nullptr;
  }
  if (part == "async-execute") {
    return implementation.async_execute != nullptr;
  }
  if (part == "async-result") {
    return harness::async_result_part(implementation) != nullptr;
  }
  if (part == "event-based") {
    return harness::event_based_part(implementation) != nullptr;
  }
  if (part == "task-based") {
    return harness::task_based_part(implementation) != nullptr;
  }
  return false;
}

std::vector<std::size_t> properties_for(const lockstep_implementation& implementation) {
  std::vector<std::size_t> positions;
  const std::vector<RunnableProperty>& all = runnable_properties();
  for (std::size_t position = 0; position < all.size(); ++position) {
    if (implementation_provides(implementation, all[position].part)) {
      positions.push_back(position);
    }
  }
  return positions;
}

PropertyVerdict check_runnable_property(const lockstep_implementation& implementation,
                                        std::size_t property, std::uint64_t seed,
                                        int max_success, const std::string& focus_rule) {
  const PropertyBody body = body_of(implementation, property, focus_rule);
  const PropertyCheck check = check_property_seeded(runnable_properties().at(property).name,
                                                    body.body, seed, max_success, kMaxSize);
  PropertyVerdict verdict;
  verdict.failed = check.failed;
  verdict.gave_up = check.gave_up;
  verdict.cases = static_cast<std::uint64_t>(std::max(0, check.successes));
  verdict.message = check.message;
  verdict.reproduce = check.reproduce;
  if (check.failed && body.last_failure().has_value()) {
    verdict.shrunk_case = body.last_failure()->to_replay_text();
    verdict.rules_broken = rules_broken_by(*body.last_failure());
  }
  if (check.failed && verdict.rules_broken.empty()) {
    verdict.rules_broken.emplace_back("property-failed");  // failed outside any recorded case
  }
  return verdict;
}

}  // namespace lockstep::conformance::properties
