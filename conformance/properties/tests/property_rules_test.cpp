// Every rule a stateful property names exists in the rule catalogue; the list is printed so
// that a report shows what each property vouches for.
#include <gtest/gtest.h>

#include <iostream>

#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/properties/property_registry.h"

namespace lockstep::conformance::properties {
namespace {

TEST(StatefulPropertyRules, EveryNamedRuleIsInTheCatalogue) {
  ASSERT_FALSE(stateful_properties().empty());
  for (const PropertyDescription& property : stateful_properties()) {
    std::cout << property.name << ":";
    EXPECT_FALSE(property.rules.empty()) << property.name;
    for (const std::string& rule : property.rules) {
      std::cout << " " << rule;
      EXPECT_NE(find_rule(rule), nullptr) << property.name << " names unknown rule " << rule;
    }
    std::cout << "\n";
  }
}

}  // namespace
}  // namespace lockstep::conformance::properties
