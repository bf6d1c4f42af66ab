// The simulated world uses no nondeterministic API; and the scanner really catches each one.
#include <gtest/gtest.h>

#include "banned_api_scan.h"

namespace lockstep::lint {
namespace {

TEST(BannedApis, SimulatedWorldIsClean) {
  const auto findings = scan_tree(LOCKSTEP_SOURCE_DIR, {"scheduler", "harness"});
  for (const Finding& finding : findings) {
    ADD_FAILURE() << finding.file << ":" << finding.line << ": " << finding.message;
  }
}

TEST(BannedApis, ScannerFindsEachBannedConstructWithItsLine) {
  const std::string text =
      "int ok = 0;\n"
      "std::random_device device;\n"
      "int r = rand();\n"
      "auto t = std::chrono::steady_clock::now();\n"
      "std::uniform_int_distribution<int> d(0, 9);\n"
      "std::thread worker([] {});\n"
      "std::unordered_map<int, int> order;\n"
      "std::unordered_set<int> ids;  // lockstep-lint: lookup-only\n"
      "// std::thread in a comment is fine\n"
      "auto s = std::chrono::system_clock::now();\n"
      "srand(4);\n"
      "clock_gettime(CLOCK_MONOTONIC, &ts);\n"
      "long now = time(nullptr);\n"
      "int operand(int x);\n"
      "prng.below(3);\n";
  const auto findings = scan_text("sample.cpp", text);
  std::vector<std::size_t> lines;
  for (const Finding& finding : findings) {
    lines.push_back(finding.line);
    EXPECT_EQ(finding.file, "sample.cpp");
    EXPECT_NE(finding.message.find("is banned, use"), std::string::npos) << finding.message;
  }
  EXPECT_EQ(lines, (std::vector<std::size_t>{2, 3, 4, 5, 6, 7, 10, 11, 12, 13}));
}

}  // namespace
}  // namespace lockstep::lint
