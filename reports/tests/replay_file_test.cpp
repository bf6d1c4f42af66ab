// Replay files round-trip, and every kind of bad file gets a one-line error naming it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "reports/replay_file.h"

#include "harness/testing/scratch_directory.h"

namespace lockstep::reports {
namespace {

ReplayFile sample() {
  ReplayFile replay;
  replay.implementation = "archetype-context-by-pointer";
  replay.build = build_id();
  replay.suite = "echo";
  replay.run_seed = 1;
  replay.schedule_index = 3;
  replay.schedule_seed = 11971499181233721091ull;
  replay.strategy = "pct:3";
  replay.pct_steps = 65;
  replay.fault_plan = "delay<=0ns drop=0/1000";
  replay.rule = "AM5";
  replay.trace_hash = 0x0123456789ABCDEFull;
  replay.explanation = "AM5 at step 21: the trap callback was invoked";
  replay.decisions.append(Decision{DecisionKind::schedule, 3, 1});
  replay.decisions.append(Decision{DecisionKind::chance, 2, 0});
  replay.decisions.append(Decision{DecisionKind::integer, 100, 42});
  return replay;
}

void expect_error(const std::string& text, const std::string& fragment) {
  std::string error;
  EXPECT_FALSE(parse_replay_file(text, error)) << text;
  EXPECT_NE(error.find(fragment), std::string::npos) << "error: " << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST(ReplayFile, RoundTrips) {
  std::string error;
  const auto parsed = parse_replay_file(to_text(sample()), error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(*parsed, sample());
  EXPECT_EQ(to_text(sample()).rfind("lockstep-replay 3\n", 0), 0u);
  EXPECT_NE(to_text(sample()).find("\npct-steps 65\n"), std::string::npos);
  ReplayFile plugin = sample();
  plugin.implementation = "vendor-channel";
  plugin.library = "/opt/vendor/libvendor channel.so";
  plugin.library_sha256 = std::string(64, 'a');
  const auto parsed_plugin = parse_replay_file(to_text(plugin), error);
  ASSERT_TRUE(parsed_plugin) << error;
  EXPECT_EQ(*parsed_plugin, plugin);
}

// Version 2 files (no library lines; a plugin named by its path) still replay.
TEST(ReplayFile, VersionTwoFilesStillRead) {
  std::string text = to_text(sample());
  text.replace(0, std::string("lockstep-replay 3").size(), "lockstep-replay 2");
  text.erase(text.find("library "), std::string("library \nlibrary-sha256 \n").size());
  ASSERT_EQ(text.find("library"), std::string::npos) << text;
  std::string error;
  const auto parsed = parse_replay_file(text, error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(*parsed, sample());
}

TEST(ReplayFile, NewlinesInValuesCannotBreakTheFormat) {
  ReplayFile replay = sample();
  replay.explanation = "two\nlines";
  std::string error;
  const auto parsed = parse_replay_file(to_text(replay), error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(parsed->explanation, "two lines");
}

TEST(ReplayFile, EveryTruncationIsNamed) {
  const std::string text = to_text(sample());
  // Only the final newline may go: "end" without it still closes a complete file.
  for (std::size_t length = 1; length + 1 < text.size(); ++length) {
    std::string error;
    EXPECT_FALSE(parse_replay_file(text.substr(0, length), error)) << "length " << length;
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find('\n'), std::string::npos);
  }
  expect_error(text.substr(0, text.find("end")), "no 'end' line");
  expect_error(text.substr(0, text.find("rule")), "missing 'rule'");
}

TEST(ReplayFile, BadInputsAreNamed) {
  const std::string good = to_text(sample());
  expect_error("", "empty");
  expect_error("hello\n", "not a lockstep replay file");
  expect_error("lockstep-replay two\n", "malformed version");
  expect_error("lockstep-replay 4\nimplementation x\n",
               "version 4 is newer than this lockstep's (3)");
  expect_error("lockstep-replay 0\n", "older than");
  // Version 1 files were written before the channel and service suites changed their decisions.
  std::string version_one = good;
  version_one.replace(0, std::string("lockstep-replay 3").size(), "lockstep-replay 1");
  expect_error(version_one,
               "version 1 is older than this lockstep's (2 to 3): the suites have changed since");
  std::string corrupted = good;
  corrupted.replace(corrupted.find("seed 1197"), 9, "seed x197");
  expect_error(corrupted, "invalid value for 'seed'");
  std::string bad_hash = good;
  bad_hash.replace(bad_hash.find("trace-hash ") + 11, 2, "zz");
  expect_error(bad_hash, "invalid value for 'trace-hash'");
  std::string bad_steps = good;
  bad_steps.replace(bad_steps.find("pct-steps 65"), 12, "pct-steps -5");
  expect_error(bad_steps, "invalid value for 'pct-steps'");
  std::string bad_decisions = good;
  bad_decisions.replace(bad_decisions.find("s3:1"), 4, "s3:9");
  expect_error(bad_decisions, "decision #0 is malformed");
  std::string swapped = good;
  swapped.replace(swapped.find("suite"), 5, "suits");
  expect_error(swapped, "expected 'suite'");
  expect_error(good + "more\n", "unexpected text after 'end'");
  std::string bad_sha = good;
  bad_sha.replace(bad_sha.find("library-sha256 ") + 15, 0, "xyz");
  expect_error(bad_sha, "invalid value for 'library-sha256'");
  std::string control = good;
  control.replace(control.find("AM5 at"), 1, std::string(1, '\x01'));
  expect_error(control, "control characters");
}

TEST(ReplayFile, FilesOnDiskMissingEmptyAndWritten) {
  const testing::ScratchDirectory scratch("replay-file-test");
  const std::filesystem::path& directory = scratch.path();
  std::string error;
  EXPECT_FALSE(read_replay_file((directory / "missing.replay").string(), error));
  EXPECT_NE(error.find("no replay file at"), std::string::npos);
  std::ofstream((directory / "empty.replay").string()).close();
  EXPECT_FALSE(read_replay_file((directory / "empty.replay").string(), error));
  EXPECT_NE(error.find("empty"), std::string::npos) << error;
  EXPECT_NE(error.find("empty.replay"), std::string::npos) << error;
  const std::string path = (directory / "good.replay").string();
  ASSERT_TRUE(write_replay_file(sample(), path, error)) << error;
  const auto read = read_replay_file(path, error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(*read, sample());
  EXPECT_FALSE(read_replay_file(directory.string(), error)) << "a directory is not a file";
}

// A hang's file records the timeout it ran under; files without one (all others, and every
// file written before the key existed) still read.
TEST(ReplayFile, TheTimeoutOfAHangRoundTripsAndIsOptional) {
  ReplayFile hang = sample();
  hang.rule = "hang";
  hang.timeout_ms = 250;
  const std::string text = to_text(hang);
  EXPECT_NE(text.find("\nrule hang\ntimeout-ms 250\ntrace-hash "), std::string::npos) << text;
  std::string error;
  const auto parsed = parse_replay_file(text, error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(*parsed, hang);
  EXPECT_EQ(to_text(sample()).find("timeout-ms"), std::string::npos);
  std::string zero = text;
  zero.replace(zero.find("timeout-ms 250"), 14, "timeout-ms 0");
  EXPECT_FALSE(parse_replay_file(zero, error));
  EXPECT_NE(error.find("invalid value for 'timeout-ms'"), std::string::npos) << error;
}

// Writing to a directory's name, or where the file cannot be created, leaves nothing behind (a
// full disk: cli_file_safety_test.cpp).
TEST(ReplayFile, AFailedWriteLeavesNoTemporaryFile) {
  const testing::ScratchDirectory scratch("replay-file-write");
  std::string error;
  EXPECT_FALSE(write_replay_file(sample(), scratch.string(), error));
  EXPECT_NE(error.find("it is a directory"), std::string::npos) << error;
  EXPECT_FALSE(std::filesystem::exists(scratch.string() + ".partial"));
  EXPECT_FALSE(write_replay_file(sample(), (scratch / "no-such-directory" / "x.replay").string(),
                                 error));
  EXPECT_TRUE(std::filesystem::is_empty(scratch.path()));
}

TEST(ReplayFile, BuildIdNamesVersionAndCompiler) {
  EXPECT_NE(build_id().find("0.1.0"), std::string::npos) << build_id();
  EXPECT_EQ(build_id().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace lockstep::reports
