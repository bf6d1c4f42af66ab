// The list of stateful properties and their rules.
#include "conformance/properties/property_registry.h"

#include "conformance/properties/async_execute_property.h"
#include "conformance/properties/channel_property.h"
#include "conformance/properties/service_property.h"

namespace lockstep::conformance::properties {

const std::vector<PropertyDescription>& stateful_properties() {
  static const std::vector<PropertyDescription> all = {
      {"channel lifecycle", kChannelLifecycleRules},
      {"channel never faults (canary, must fail)", kChannelNeverFaultsRules},
      {"service host", kServiceHostRules},
      {"async-execute chains", kAsyncExecuteChainRules},
  };
  return all;
}

}  // namespace lockstep::conformance::properties
