// Nothing is lost or escapes: report merge never clears or overwrites what it reads and
// never follows a report's file names out of its shard; shrink -o takes a directory; no
// temporary file is left behind when writing fails.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "runner/cli/tests/lockstep_process.h"

namespace {

using namespace lockstep::cli_testing;  // NOLINT(google-build-using-namespace): test helpers

// Every file under `directory` (relative name -> contents).
std::map<std::string, std::string> tree_of(const std::filesystem::path& directory) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file()) {
      files[std::filesystem::relative(entry.path(), directory).string()] = read_text(entry.path());
    }
  }
  return files;
}

std::size_t partial_files_in(const std::filesystem::path& directory) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
    count += entry.path().filename().string().find(".partial") != std::string::npos ? 1 : 0;
  }
  return count;
}

// Two shards of one failing run (--plain-verdict: the mutant's failures count), in
// `root`/shard-1 and shard-2.
void write_two_shards(const std::filesystem::path& root) {
  for (int shard = 1; shard <= 2; ++shard) {
    const Outcome outcome = run_lockstep(
        "run --impl context-by-pointer --suite channel --runs 30 --shrink-runs 0 --plain-verdict "
        "--shard " +
        std::to_string(shard) + "/2 --report " +
        (root / ("shard-" + std::to_string(shard))).string());
    ASSERT_EQ(outcome.exit_code, 1) << outcome.output;
  }
}

TEST(CliFileSafety, MergeRefusesAnOutputThatIsOneOfItsInputs) {
  const auto root = fresh_directory("safety-merge-into-input");
  write_two_shards(root);
  const auto first = root / "shard-1";
  const std::map<std::string, std::string> before = tree_of(first);
  for (const std::string& spelling :
       {first.string(), first.string() + "/", (root / "shard-1" / ".." / "shard-1").string()}) {
    const Outcome outcome = run_lockstep("report merge " + first.string() + " " +
                                         (root / "shard-2").string() + " -o " + spelling);
    EXPECT_EQ(outcome.exit_code, 2) << spelling << "\n" << outcome.output;
    EXPECT_NE(outcome.output.find("is one of the directories being merged"), std::string::npos)
        << outcome.output;
  }
  EXPECT_EQ(tree_of(first), before) << "the input is untouched";
}

TEST(CliFileSafety, AFailedMergeLeavesTheOutputAsItWas) {
  const auto root = fresh_directory("safety-merge-failed");
  write_two_shards(root);
  const auto output = root / "merged";
  ASSERT_EQ(run_lockstep("report merge " + (root / "shard-1").string() + " " +
                         (root / "shard-2").string() + " -o " + output.string())
                .exit_code,
            1);
  const std::map<std::string, std::string> before = tree_of(output);
  ASSERT_FALSE(before.empty());
  // Shard 2's failure list names a replay file that is missing: the merge fails late, after
  // it has read everything and copied shard 1's files.
  const nlohmann::json shard_two = read_report(root / "shard-2");
  const std::string replay_file = shard_two["implementations"][0]["failures"][0]["replay_file"];
  std::filesystem::remove(root / "shard-2" / replay_file);
  const Outcome outcome = run_lockstep("report merge " + (root / "shard-1").string() + " " +
                                       (root / "shard-2").string() + " -o " + output.string());
  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
  EXPECT_EQ(tree_of(output), before) << "nothing cleared, nothing half-written";
}

TEST(CliFileSafety, MergeFollowsNoFileNameOutOfItsShard) {
  const auto root = fresh_directory("safety-merge-escape");
  write_two_shards(root);
  std::ofstream(root / "secret.txt") << "not part of any report";
  const std::filesystem::path report_path = root / "shard-1" / "report.json";
  const std::string report = read_text(report_path);
  for (const char* name : {"../../secret.txt", "failures/../../secret.replay", "/etc/passwd",
                           "failures/.hidden.replay", "failures/"}) {
    std::ofstream(report_path) << std::regex_replace(
        report, std::regex("\"replay_file\": \"[^\"]*\""),
        "\"replay_file\": \"" + std::string(name) + "\"", std::regex_constants::format_first_only);
    const auto output = root / "out";
    const Outcome outcome = run_lockstep("report merge " + (root / "shard-1").string() + " " +
                                         (root / "shard-2").string() + " -o " + output.string());
    EXPECT_EQ(outcome.exit_code, 2) << name << "\n" << outcome.output;
    EXPECT_NE(outcome.output.find("not a plain file name under failures/"), std::string::npos)
        << outcome.output;
    EXPECT_FALSE(std::filesystem::exists(output / "failures" / "secret.txt"));
    EXPECT_FALSE(std::filesystem::exists(root / "secret.replay"));
  }
}

TEST(CliFileSafety, MergeRefusesCountsThatCannotBe) {
  const auto root = fresh_directory("safety-merge-counts");
  write_two_shards(root);
  const std::filesystem::path report_path = root / "shard-1" / "report.json";
  const std::string report = read_text(report_path);
  std::ofstream(report_path) << std::regex_replace(
      report, std::regex("\"failed_schedules\": [0-9]+"), "\"failed_schedules\": 99999");
  const Outcome outcome =
      run_lockstep("report merge " + (root / "shard-1").string() + " " +
                   (root / "shard-2").string() + " -o " + (root / "out").string());
  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
  EXPECT_NE(outcome.output.find("failed_schedules (99999) is more than its schedules (15)"),
            std::string::npos)
      << outcome.output;
}

TEST(CliFileSafety, ShrinkWritesIntoADirectoryAndLeavesNoTemporaryFile) {
  const auto root = fresh_directory("safety-shrink");
  ASSERT_EQ(run_lockstep("run --impl context-by-pointer --suite channel --runs 20 "
                         "--shrink-runs 0 --plain-verdict --report " +
                         (root / "report").string())
                .exit_code,
            1);
  const nlohmann::json report = read_report(root / "report");
  const std::string replay_file = report["implementations"][0]["failures"][0]["replay_file"];
  const auto replay = root / "report" / replay_file;
  const auto into = root / "into";
  std::filesystem::create_directories(into);
  const Outcome shrunk =
      run_lockstep("shrink " + replay.string() + " --runs 20 -o " + into.string());
  EXPECT_EQ(shrunk.exit_code, 0) << shrunk.output;
  const std::string stem = replay.stem().string();
  EXPECT_TRUE(std::filesystem::exists(into / (stem + ".shrunk.replay"))) << shrunk.output;
  EXPECT_EQ(run_lockstep("replay " + (into / (stem + ".shrunk.replay")).string()).exit_code, 1);
  EXPECT_EQ(partial_files_in(root), 0u);
  EXPECT_FALSE(std::filesystem::exists(root / "into.partial"));

  const Outcome nowhere = run_lockstep("shrink " + replay.string() + " --runs 5 -o " +
                                       (root / "no-such-directory" / "x.replay").string());
  EXPECT_EQ(nowhere.exit_code, 2) << nowhere.output;
  EXPECT_EQ(partial_files_in(root), 0u);

  // A write that fails half-way (here a file size limit of 1 KiB, as a full disk would) leaves
  // neither the file nor its temporary.
  const auto full = root / "full.replay";
  const std::string command = "trap '' XFSZ; ulimit -f 1; exec " + std::string(LOCKSTEP_BINARY) +
                              " shrink " + replay.string() + " --runs 5 -o " + full.string() +
                              " 2>&1";
  FILE* pipe = popen(("sh -c \"" + command + "\"").c_str(), "r");  // NOLINT(cert-env33-c)
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) {
    output += buffer;
  }
  const int status = pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 2) << output;
  EXPECT_NE(output.find("cannot write"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(full));
  EXPECT_EQ(partial_files_in(root), 0u) << output;
}

}  // namespace
