// What `lockstep run` shows on a terminal and off one: the progress bar on stderr only on a
// terminal (so redirecting stdout keeps the lines and loses nothing), never wider than the
// terminal, with an estimate of the time left; PASS/FAIL coloured on a terminal unless NO_COLOR
// is set; TERM=dumb gets neither. A pseudo-terminal comes from util-linux's `script`.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "runner/cli/progress_display.h"
#include "runner/cli/tests/lockstep_process.h"

namespace {

using namespace lockstep::cli_testing;  // NOLINT(google-build-using-namespace): test helpers

constexpr const char* kScript = "/usr/bin/script";

// Runs `environment lockstep arguments` on a pseudo-terminal; returns what the terminal showed.
std::string on_a_terminal(const std::string& environment, const std::string& arguments) {
  const std::string command = std::string(kScript) + " -qec \"" + environment + " " +
                              LOCKSTEP_BINARY + " " + arguments + "\" /dev/null 2>&1";
  FILE* pipe = popen(command.c_str(), "r");  // NOLINT(cert-env33-c): the binary under test
  std::string output;
  if (pipe == nullptr) {
    return output;
  }
  char buffer[4096];
  std::size_t count;
  while ((count = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, count);
  }
  pclose(pipe);
  return output;
}

TEST(CliTerminal, NoBarAndNoEscapesOffATerminal) {
  const Outcome piped = run_lockstep("run --impl archetype --runs 5");
  EXPECT_EQ(piped.output.find("/5 schedules"), std::string::npos) << piped.output;
  EXPECT_EQ(piped.output.find('\033'), std::string::npos) << piped.output;
  EXPECT_EQ(piped.output.find('\r'), std::string::npos);
  EXPECT_NE(piped.output.find("archetype "), std::string::npos);
}

TEST(CliTerminal, TheBarIsOnStderrFitsTheWidthAndEstimatesTheTimeLeft) {
  if (!std::filesystem::exists(kScript)) {
    GTEST_SKIP() << kScript << " (util-linux) is absent: no pseudo-terminal to test with";
  }
  const auto directory = fresh_directory("lockstep-cli-terminal");
  std::filesystem::create_directories(directory);
  const auto lines = directory / "stdout.txt";
  // stdout to a file, stderr on the terminal: the bar stays on the terminal. 60 columns hold
  // the estimate at the tens of thousands of schedules a second the worker processes run.
  const std::string shown =
      on_a_terminal("COLUMNS=60", "run --impl archetype --runs 3000 > " + lines.string());
  EXPECT_NE(shown.find("/3000 schedules"), std::string::npos) << shown;
  EXPECT_NE(shown.find(" left"), std::string::npos) << "an estimate of the time left\n" << shown;
  const std::string written = read_text(lines);
  EXPECT_NE(written.find("archetype "), std::string::npos) << written;
  EXPECT_EQ(written.find('\033'), std::string::npos) << "no bar and no colour in a file";
  EXPECT_EQ(written.find("/3000 schedules"), std::string::npos);
  // Every drawing fits in 59 columns, so none wraps onto a second line.
  std::size_t drawings = 0;
  for (std::size_t at = shown.find("\r\033[K"); at != std::string::npos;
       at = shown.find("\r\033[K", at + 1)) {
    const std::size_t start = at + 4;
    const std::size_t end = shown.find_first_of("\r\n", start);
    const std::string drawing = shown.substr(start, end - start);
    EXPECT_LE(drawing.size(), 59u) << drawing;
    drawings += drawing.empty() ? 0 : 1;
  }
  EXPECT_GT(drawings, 0u) << shown;
}

TEST(CliTerminal, ColourUnlessNoColorAndNothingForDumbTerminals) {
  if (!std::filesystem::exists(kScript)) {
    GTEST_SKIP() << kScript << " (util-linux) is absent: no pseudo-terminal to test with";
  }
  const std::string coloured = on_a_terminal("TERM=xterm", "run --impl archetype --runs 5");
  EXPECT_NE(coloured.find("\033[32mPASS\033[0m"), std::string::npos) << coloured;
  const std::string plain = on_a_terminal("TERM=xterm NO_COLOR=1", "run --impl archetype --runs 5");
  EXPECT_EQ(plain.find("\033[32m"), std::string::npos) << plain;
  EXPECT_NE(plain.find("PASS"), std::string::npos);
  const std::string dumb = on_a_terminal("TERM=dumb", "run --impl archetype --runs 300");
  EXPECT_EQ(dumb.find('\033'), std::string::npos) << dumb;
  EXPECT_EQ(dumb.find("/300 schedules"), std::string::npos) << dumb;
}

TEST(ProgressBar, NeverWiderThanTheTerminal) {
  for (const int columns : {1, 10, 30, 50, 80, 200}) {
    for (const std::string& status :
         {std::string("12/3000 schedules, 0 failed, 900/s, about 3s left"),
          std::string(300, 'x')}) {
      const std::string bar = lockstep::cli::ProgressDisplay::bar_text(columns, 0.5, status);
      EXPECT_LE(static_cast<int>(bar.size()), std::max(columns - 1, 1)) << columns << " " << bar;
    }
  }
  EXPECT_EQ(lockstep::cli::ProgressDisplay::bar_text(80, 0.5, "s"),
            "  [###############...............] s");
}

}  // namespace
