// The canary: a property that must fail does fail. "The channel is never FAULTED after a
// command" is false for every correct channel (abort faults it, CH2), so RapidCheck must
// find and shrink a counterexample; replaying the minimal case (same seed, same commands, a
// replay strategy over its recorded decision log) must reproduce the same failure with the
// same trace hash. If this test passes vacuously, the property machinery is blind.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include <rapidcheck.h>

#include "conformance/properties/channel_property.h"
#include "conformance/registry/implementations.h"

namespace lockstep::conformance::properties {
namespace {

TEST(ChannelCanaryProperty, NeverFaultedFailsAndItsMinimalCaseReplays) {
  const Implementation* bundled = find_bundled_implementation("reference");
  ASSERT_NE(bundled, nullptr);
  const lockstep_implementation* reference = bundled->table;
  ChannelCaseRecorder recorder;
  rc::detail::TestParams params;
  params.seed = 20240611;
  params.maxSuccess = 300;
  params.maxSize = 60;
  const rc::detail::TestResult result = rc::detail::checkTestable(
      [&] { check_channel_case(*reference, ChannelClaim::never_faulted, recorder); },
      rc::detail::TestMetadata{}, params);
  ASSERT_TRUE(result.template is<rc::detail::FailureResult>())
      << "the canary property held: the channel property cannot see an abort";
  ASSERT_TRUE(recorder.cases.last_failure().has_value());
  const PropertyCase& minimal = *recorder.cases.last_failure();
  std::cout << "canary shrunk to " << minimal.commands.size() << " commands, seed "
            << minimal.schedule_seed << ", " << minimal.outcome.decisions.size()
            << " decisions, trace hash " << minimal.outcome.world.run.trace_hash << "\n"
            << minimal.to_replay_text();
  // The failure file holds what a reader needs to see and re-run the case.
  const std::string file =
      write_failure_file(minimal, "channel-never-faults-canary", "reproduce=x");
  ASSERT_FALSE(file.empty()) << "the failure file could not be written";
  std::ifstream written(file);
  const std::string text((std::istreambuf_iterator<char>(written)),
                         std::istreambuf_iterator<char>());
  EXPECT_EQ(text.rfind(minimal.to_replay_text(), 0), 0u) << text;
  EXPECT_NE(text.find("claim: the channel was FAULTED"), std::string::npos) << text;
  EXPECT_NE(text.find("rapidcheck-reproduce: RC_PARAMS=\"reproduce=x\""), std::string::npos)
      << text;
  EXPECT_FALSE(minimal.claim_broken.empty());
  EXPECT_LE(minimal.commands.size(), 3u) << "an Open and an Abort suffice";

  const PropertyCase replayed = run_channel_case(
      *reference, minimal.schedule_seed, recorder.last_failing_commands,
      ChannelClaim::never_faulted, make_replay_strategy(minimal.outcome.decisions));
  EXPECT_EQ(replayed.claim_broken, minimal.claim_broken);
  EXPECT_EQ(replayed.outcome.world.run.trace_hash, minimal.outcome.world.run.trace_hash);
  EXPECT_EQ(replayed.outcome.decisions, minimal.outcome.decisions);
  EXPECT_EQ(replayed.violations_text(), minimal.violations_text());
  EXPECT_EQ(replayed.commands, minimal.commands);
}

}  // namespace
}  // namespace lockstep::conformance::properties
