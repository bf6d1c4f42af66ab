// The invariant catalogue: every rule of CONTRACT.md as data.
//
// One source of truth for `lockstep explain`, `lockstep list`, the reports and the suites (a
// test checks that every rule a violation names is in here). Ids are never renumbered; rules
// may be added.
#pragma once

#include <string_view>
#include <vector>

namespace lockstep::conformance {

struct Rule {
  std::string_view id;      ///< "AM3"
  std::string_view family;  ///< "async model", "channel", "service host", ".NET ...",
                            ///< "message exchange", "resources"
  std::string_view title;   ///< a few words
  std::string_view text;    ///< the rule, as checked
  std::string_view source;  ///< where it comes from
};

/// Every rule, in CONTRACT.md order (AM, CH, SV, AP, EV, TK, MX), then lockstep's own (RS).
const std::vector<Rule>& rule_catalogue();
/// The rule with this id (case-insensitive), or nullptr.
const Rule* find_rule(std::string_view id);

}  // namespace lockstep::conformance
