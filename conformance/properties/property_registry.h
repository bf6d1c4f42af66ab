// The stateful properties and the contract rules each one checks.
//
// Why it exists: a report must say which rules a passing property vouches for, and a test
// holds every name here to the rule catalogue so a renamed rule cannot go stale silently.
#pragma once

#include <string>
#include <vector>

namespace lockstep::conformance::properties {

struct PropertyDescription {
  std::string name;
  std::vector<std::string> rules;  ///< CONTRACT.md ids the property's verdict covers
};

/// Every stateful property, channel first.
const std::vector<PropertyDescription>& stateful_properties();

}  // namespace lockstep::conformance::properties
