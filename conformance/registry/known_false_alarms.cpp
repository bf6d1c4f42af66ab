// The known false alarms (see known_false_alarms.h).
#include "conformance/registry/known_false_alarms.h"

#include <algorithm>

namespace lockstep::conformance {

namespace {

// CONTRACT.md section 7 (from the real API's public conformance tests): WsCloseChannel on an
// already CLOSED channel returns S_OK; CH5 says the same ("Closing is always allowed"). The
// channel driver (ChannelDriver::check_completed) still demands WS_E_INVALID_OPERATION for a
// close on a CLOSED channel, so every channel that follows the real API is flagged whenever a
// schedule (about 1 in 12) or a property case closes twice.
constexpr const char* kSecondCloseReason =
    "a second close on a CLOSED channel returns S_OK (CONTRACT.md section 7 and CH5: closing "
    "is always allowed); the channel driver demands WS_E_INVALID_OPERATION";

}  // namespace

const std::vector<KnownFalseAlarm>& known_false_alarms() {
  static const std::vector<KnownFalseAlarm> all = {
      {"queued-channel", "CH5", "channel", kSecondCloseReason,
       "lockstep run --impl queued-channel --suite channel --seed 1 --schedule 21"},
      {"eager-channel", "CH5", "channel", kSecondCloseReason,
       "lockstep run --impl eager-channel --suite channel --seed 1 --schedule 4"},
  };
  return all;
}

std::vector<std::string> known_false_alarm_rules(std::string_view implementation) {
  std::vector<std::string> rules;
  for (const KnownFalseAlarm& alarm : known_false_alarms()) {
    if (alarm.implementation == implementation) {
      rules.push_back(alarm.rule);
    }
  }
  return rules;
}

bool only_known_false_alarms(std::string_view implementation,
                             const std::vector<std::string>& broken) {
  const std::vector<std::string> known = known_false_alarm_rules(implementation);
  return std::all_of(broken.begin(), broken.end(), [&](const std::string& rule) {
    return std::find(known.begin(), known.end(), rule) != known.end();
  });
}

}  // namespace lockstep::conformance
