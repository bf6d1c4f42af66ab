// Fuzzing the replay-file parser: any mutation of a valid file is either parsed into a file
// that writes back to a parsable text, or refused with a one-line error. Never a crash, a
// hang or an exception. RapidCheck drives the mutations (CTest fixes its seed).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "reports/replay_file.h"

namespace lockstep::reports {
namespace {

std::string valid_text() {
  ReplayFile replay;
  replay.implementation = "reference";
  replay.build = "0.1.0 GNU-12.2.0 RelWithDebInfo";
  replay.suite = "channel";
  replay.run_seed = 7;
  replay.schedule_index = 12;
  replay.schedule_seed = 123456789;
  replay.strategy = "random";
  replay.fault_plan =
      "delay<=1000ns drop=5/1000 refuse=0/1000 shutdown=0/1000 abort=0/1000 heal@0ns "
      "healed-delay<=0ns";
  replay.rule = "CH1";
  replay.trace_hash = 42;
  replay.explanation = "CH1 at step 3: receive#2 pending at abort never completed";
  for (std::uint64_t index = 0; index < 20; ++index) {
    replay.decisions.append(Decision{DecisionKind::schedule, 2 + index % 3, index % 2});
  }
  return to_text(replay);
}

struct Mutation {
  int kind;  // 0 flip a byte, 1 delete a range, 2 duplicate a range, 3 insert bytes
  std::size_t position;
  std::size_t length;
  std::string bytes;
};

std::string mutate(std::string text, const Mutation& mutation) {
  if (text.empty()) {
    return mutation.bytes;
  }
  const std::size_t position = mutation.position % text.size();
  const std::size_t length = std::min(mutation.length, text.size() - position);
  switch (mutation.kind) {
    case 0:
      text[position] =
          static_cast<char>(text[position] ^ static_cast<char>(1 + mutation.length % 255));
      break;
    case 1:
      text.erase(position, length);
      break;
    case 2:
      text.insert(position, text.substr(position, length));
      break;
    default:
      text.insert(position, mutation.bytes);
  }
  return text;
}

RC_GTEST_PROP(ReplayFileFuzz, MutatedFilesAreParsedOrRefusedInOneLine,
              (const std::vector<int>& kinds, const std::vector<std::size_t>& positions,
               const std::string& bytes)) {
  std::string text = valid_text();
  for (std::size_t index = 0; index < kinds.size(); ++index) {
    const std::size_t position = index < positions.size() ? positions[index] : index * 31;
    text = mutate(text, Mutation{((kinds[index] % 4) + 4) % 4, position, position % 17 + 1, bytes});
  }
  std::string error;
  const auto parsed = parse_replay_file(text, error);
  if (parsed) {
    std::string again_error;
    const auto again = parse_replay_file(to_text(*parsed), again_error);
    RC_ASSERT(again.has_value());
    RC_ASSERT(*again == *parsed);
  } else {
    RC_ASSERT(!error.empty());
    RC_ASSERT(error.find('\n') == std::string::npos);
  }
}

RC_GTEST_PROP(ReplayFileFuzz, ArbitraryBytesNeverCrashTheParser, (const std::string& text)) {
  std::string error;
  const auto parsed = parse_replay_file(text, error);
  RC_ASSERT(parsed.has_value() || (!error.empty() && error.find('\n') == std::string::npos));
}

}  // namespace
}  // namespace lockstep::reports
