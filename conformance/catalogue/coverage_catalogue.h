// The contract clause by clause: for every rule, each thing it demands, the check that records
// a violation of it and the coverage probes (situations a schedule reaches) that exercise it.
//
// Why it exists: a PASS means something only if every clause has a check and a scenario that
// reaches it. This table is that claim written down; tests hold it to the code: every probe it
// names exists (harness/core/coverage_probe.h), every probe a suite expects serves some clause,
// every rule of the AM, CH and SV families has clauses, and the reference reaches every probe
// of every suite that applies to it. Clauses whose check is weaker than their text say so in
// `limits` (an interpretation or a situation lockstep cannot observe), never silently.
// A leaf like the rule catalogue: probe names are text here, so reports can use it too.
#pragma once

#include <string_view>
#include <vector>

namespace lockstep::conformance {

struct RuleClause {
  std::string_view rule;    ///< "SV6"
  std::string_view clause;  ///< what the rule demands, one thing
  std::string_view check;   ///< where a violation is recorded, and how
  /// The probes whose situations exercise the clause, kebab-case names, space-separated.
  std::string_view probes;
  std::string_view limits;  ///< where the check is weaker than the clause, and why; or empty
};

/// Every clause, in contract order.
const std::vector<RuleClause>& rule_clauses();
/// The clauses of one rule.
std::vector<const RuleClause*> clauses_of(std::string_view rule);

/// What a probe's situation is, for reports and `lockstep explain`; empty if unknown.
std::string_view probe_situation(std::string_view probe);

}  // namespace lockstep::conformance
