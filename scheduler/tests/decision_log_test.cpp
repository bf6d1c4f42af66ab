// The decision log's text form round-trips and rejects malformed input with a clear message.
#include <gtest/gtest.h>

#include "scheduler/decision_log.h"

namespace lockstep {
namespace {

TEST(DecisionLog, TextRoundTrips) {
  DecisionLog log;
  log.append({DecisionKind::schedule, 3, 2});
  log.append({DecisionKind::chance, 2, 0});
  log.append({DecisionKind::integer, 1000, 999});
  EXPECT_EQ(log.to_text(), "s3:2 c2:0 i1000:999");
  std::string error;
  const auto parsed = DecisionLog::from_text(log.to_text(), error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(*parsed, log);
}

TEST(DecisionLog, EmptyTextIsEmptyLog) {
  std::string error;
  const auto parsed = DecisionLog::from_text("", error);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->empty());
}

TEST(DecisionLog, MalformedTokensAreNamed) {
  for (const char* text : {"s3:3", "x3:1", "s3", "s:1", "s0:0", "c2:1 s2:-1", "s99999999999999999999:1"}) {
    std::string error;
    EXPECT_FALSE(DecisionLog::from_text(text, error)) << text;
    EXPECT_NE(error.find("malformed"), std::string::npos) << text << " -> " << error;
  }
  std::string error;
  EXPECT_FALSE(DecisionLog::from_text("s2:1 s2:0 i5:7", error));
  EXPECT_NE(error.find("decision #2"), std::string::npos) << error;
}

}  // namespace
}  // namespace lockstep
