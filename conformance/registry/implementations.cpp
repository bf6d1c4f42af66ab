// The bundled implementations: the archetype echo call and its defective variants.
#include "conformance/registry/implementations.h"

#include "conformance/scenarios/echo_scenario.h"

namespace lockstep::conformance {

namespace {

std::vector<Implementation> build_bundled() {
  std::vector<Implementation> all;
  for (const EchoImplementation& echo : bundled_echo_implementations()) {
    Implementation implementation;
    implementation.name = echo.name;
    implementation.kind = echo.breaks.empty() ? "reference" : "mutant";
    implementation.description = echo.description;
    implementation.breaks = echo.breaks;
    implementation.bug_class = echo.bug_class;
    implementation.archetype_defects = echo.defects;
    all.push_back(std::move(implementation));
  }
  return all;
}

}  // namespace

const std::vector<Implementation>& bundled_implementations() {
  static const std::vector<Implementation> all = build_bundled();
  return all;
}

const Implementation* find_bundled_implementation(std::string_view name) {
  for (const Implementation& implementation : bundled_implementations()) {
    if (implementation.name == name) {
      return &implementation;
    }
  }
  return nullptr;
}

}  // namespace lockstep::conformance
