// The one list of known false alarms: rules lockstep flags on a correct bundled implementation
// (must_pass()) although the implementation keeps the contract and the real API there.
//
// Why it exists: an independent implementation is registered to guard against false alarms,
// so it must stay registered when it finds one; the tests that hold a must_pass()
// implementation to "no violation" would then be red for a defect of lockstep's checks, which
// another branch is fixing. Each entry names the implementation, the rule, the suite, the
// reason (with the contract clause) and a command that reproduces it. Those tests accept the
// listed rules on the listed implementation, and nothing else, and say so in their output;
// known_false_alarms_test asserts that every entry still fires, so that a fixed check forces
// its entry out of the list. The list is for the lead to decide on, never a place to hide a
// bug of an implementation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lockstep::conformance {

struct KnownFalseAlarm {
  std::string implementation;
  std::string rule;
  std::string suite;
  std::string reason;     ///< why it is a false alarm, naming the contract clause
  std::string reproduce;  ///< a `lockstep run` command that shows it
};

/// Every known false alarm, in a stable order.
const std::vector<KnownFalseAlarm>& known_false_alarms();

/// The rules of known_false_alarms() for `implementation` (empty for most).
std::vector<std::string> known_false_alarm_rules(std::string_view implementation);

/// True if every rule of `broken` is a known false alarm of `implementation`.
bool only_known_false_alarms(std::string_view implementation,
                             const std::vector<std::string>& broken);

}  // namespace lockstep::conformance
