// Fault plans are a pure function of the seed, vary across seeds, and round-trip as text.
#include <gtest/gtest.h>

#include <set>

#include "harness/core/fault_plan.h"

namespace lockstep::harness {
namespace {

TEST(FaultPlan, DrawIsAPureFunctionOfTheSeed) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    EXPECT_EQ(FaultPlan::draw(seed), FaultPlan::draw(seed));
  }
}

TEST(FaultPlan, SeedsGiveVariedPlansIncludingQuietOnes) {
  std::set<std::string> texts;
  int without_drops = 0;
  int with_drops = 0;
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    const FaultPlan plan = FaultPlan::draw(seed);
    texts.insert(plan.to_text());
    (plan.drop_per_mille == 0 ? without_drops : with_drops) += 1;
  }
  EXPECT_GT(texts.size(), 300u);
  EXPECT_GT(without_drops, 50);
  EXPECT_GT(with_drops, 50);
}

TEST(FaultPlan, TextRoundTrips) {
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    const FaultPlan plan = FaultPlan::draw(seed);
    std::string error;
    const auto parsed = FaultPlan::from_text(plan.to_text(), error);
    ASSERT_TRUE(parsed) << error;
    EXPECT_EQ(*parsed, plan);
  }
}

TEST(FaultPlan, MalformedTextIsRejectedWithTheExpectedForm) {
  for (const char* text : {"", "delay<=5ns", "delay<=xns drop=1/1000 refuse=0/1000 shutdown=0/1000 abort=0/1000 heal@0ns healed-delay<=0ns",
                           "delay<=5ns drop=2000/1000 refuse=0/1000 shutdown=0/1000 abort=0/1000 heal@0ns healed-delay<=0ns"}) {
    std::string error;
    EXPECT_FALSE(FaultPlan::from_text(text, error)) << text;
    EXPECT_NE(error.find("expected"), std::string::npos);
  }
}

}  // namespace
}  // namespace lockstep::harness
