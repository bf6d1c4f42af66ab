// The channel lifecycle property over every bundled implementation whose channel is meant to
// be correct (the reference): written once, parameterised by implementation name.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "conformance/channel/channel_schedule.h"
#include "conformance/properties/channel_property.h"

namespace lockstep::conformance::properties {
namespace {

// The registry's bundled list is not linked here: conformance/channel and conformance/service
// both define lockstep::conformance::ObservingHost (an ODR clash ASan reports), so the
// property binaries link the channel part only and build the reference table directly.
std::vector<std::string> correct_channel_implementations() { return {"reference"}; }

class ChannelLifecycleProperty : public ::testing::TestWithParam<std::string> {};

TEST_P(ChannelLifecycleProperty, HoldsOverCommandSequences) {
  const reference_implementation table = reference_channel_table(0);
  const std::string name = GetParam();
  ChannelCaseRecorder recorder;
  const bool held = rc::check("channel lifecycle over " + name, [&] {
    check_channel_case(table.base, ChannelClaim::rules_only, recorder);
  });
  std::cout << "cases run: " << recorder.cases.runs() << "\n";
  if (!held && recorder.cases.last_failure().has_value()) {
    const PropertyCase& failure = *recorder.cases.last_failure();
    const std::string path = write_failure_file(failure, "channel-lifecycle-" + name);
    ADD_FAILURE_AT(__FILE__, __LINE__)
        << failure_message(failure) << "minimal case decision log: "
        << failure.outcome.decisions.size() << " decisions"
        << (path.empty() ? "" : ", written to " + path);
  }
  EXPECT_TRUE(held);
}

INSTANTIATE_TEST_SUITE_P(Bundled, ChannelLifecycleProperty,
                         ::testing::ValuesIn(correct_channel_implementations()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& character : name) {
                             if (character == '-') {
                               character = '_';
                             }
                           }
                           return name;
                         });

}  // namespace
}  // namespace lockstep::conformance::properties
