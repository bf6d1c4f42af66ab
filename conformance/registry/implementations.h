// The implementations lockstep knows by name: the bundled reference and mutants (and, from
// the command line, loaded plugins), each with what it is known to do.
//
// A mutant declares the one rule it breaks and the real-world bug class it imitates; the
// mutation-score test and the reports hold it to that. A reference, and an independent
// implementation (correct, written apart from the reference in a design of its own, to guard
// against false alarms), must pass every suite that applies: must_pass() says so, and every
// test that holds "correct implementations pass" asks it. Names are stable kebab-case.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lockstep/implementation.h"

namespace lockstep::conformance {

struct Implementation {
  std::string name;
  std::string kind;         ///< "reference", "independent", "mutant" or "plugin"
  std::string description;  ///< one line
  std::string breaks;       ///< for a mutant: the rule id it breaks
  std::string bug_class;    ///< for a mutant: the kind of real bug it imitates
  /// For a mutant: the part its defect is in ("channel", "async-execute", "service-host",
  /// "async-result", "event-based", "task-based" or "echo-call"); the other parts it provides
  /// are the reference's, correct.
  std::string defective_part;
  /// The C ABI table, for the suites of the parts it provides (channel, WsAsyncExecute,
  /// service host, the three patterns). Null for an echo-call archetype.
  const lockstep_implementation* table = nullptr;
  /// For the echo suite: the archetype defect flags (0 = correct); empty if not an archetype.
  std::optional<unsigned> archetype_defects;

  /// A correct implementation of the bundled corpus: a reference (the correct archetype among
  /// them) or an independent one. Every suite that applies must pass on it; the false-alarm
  /// test runs every such entry, so adding one to the registry adds it there too.
  bool must_pass() const { return kind == "reference" || kind == "independent"; }
};

/// Bundled implementations in a stable order: references first, then the independent
/// implementations, then mutants by name.
const std::vector<Implementation>& bundled_implementations();
const Implementation* find_bundled_implementation(std::string_view name);

}  // namespace lockstep::conformance
