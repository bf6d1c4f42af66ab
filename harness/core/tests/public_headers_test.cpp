// Every public header compiles alone, as C11 and as C++20, with warnings as errors: a plugin
// author includes exactly one of them and nothing else.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/testing/scratch_directory.h"

namespace {

const std::filesystem::path kIncludeDir =
    std::filesystem::path(LOCKSTEP_SOURCE_DIR) / "harness" / "include";

int compile_alone(const std::string& compiler, const std::string& language_flags,
                  const std::string& header, const std::string& extension) {
  const lockstep::testing::ScratchDirectory scratch("header-check");
  const std::filesystem::path& directory = scratch.path();
  std::string stem = header;
  for (char& character : stem) {
    if (character == '/' || character == '.') {
      character = '_';
    }
  }
  const std::filesystem::path source = directory / (stem + extension);
  std::ofstream(source) << "#include \"" << header << "\"\n#include \"" << header
                        << "\" /* include guard */\nint lockstep_header_check_dummy;\n";
  const std::string command = compiler + " " + language_flags +
                              " -Wall -Wextra -Werror -pedantic -fsyntax-only -I" +
                              kIncludeDir.string() + " " + source.string() + " 2>&1";
  return std::system(command.c_str());  // NOLINT(concurrency-mt-unsafe): one test, one thread
}

class PublicHeader : public ::testing::TestWithParam<const char*> {};

TEST_P(PublicHeader, CompilesAloneAsC) {
  EXPECT_EQ(compile_alone(LOCKSTEP_C_COMPILER, "-x c -std=c11", GetParam(), ".c"), 0) << GetParam();
}

TEST_P(PublicHeader, CompilesAloneAsCxx) {
  EXPECT_EQ(compile_alone(LOCKSTEP_CXX_COMPILER, "-x c++ -std=c++20", GetParam(), ".cpp"), 0)
      << GetParam();
}

INSTANTIATE_TEST_SUITE_P(All, PublicHeader,
                         ::testing::Values("lockstep/ws.h", "lockstep/host.h",
                                           "lockstep/patterns.h", "lockstep/implementation.h"));

TEST(PublicHeaders, EveryHeaderInTheFolderIsChecked) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kIncludeDir / "lockstep")) {
    const std::string name = "lockstep/" + entry.path().filename().string();
    EXPECT_TRUE(name == "lockstep/ws.h" || name == "lockstep/host.h" ||
                name == "lockstep/patterns.h" || name == "lockstep/implementation.h")
        << name << " is a public header missing from the PublicHeader list above";
    ++count;
  }
  EXPECT_EQ(count, 4);
}

}  // namespace
