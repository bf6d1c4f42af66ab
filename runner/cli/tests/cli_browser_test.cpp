// index.html in a real browser: Debian's Chromium, headless, renders the verdict table and
// the failures, and the page's script runs (it marks <body data-ready="yes">). Skipped, with
// the reason, only where /usr/bin/chromium is not installed (CI installs it: .ci/install-deps).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "runner/cli/tests/lockstep_process.h"

namespace {

using namespace lockstep::cli_testing;  // NOLINT(google-build-using-namespace): test helpers

constexpr const char* kChromium = "/usr/bin/chromium";

// The flags this machine needs: no sandbox as root, no GPU, and no background connections
// (the network is closed; Chromium would otherwise retry Google's hosts at every start).
std::string chromium_command(const std::filesystem::path& profile, const std::string& action) {
  return std::string(kChromium) +
         " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
         " --disable-background-networking --disable-component-update --disable-sync"
         " --user-data-dir=" +
         profile.string() + " " + action;
}

std::string capture(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");  // NOLINT(cert-env33-c)
  if (pipe == nullptr) {
    return output;
  }
  char buffer[8192];
  std::size_t count;
  while ((count = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    output.append(buffer, count);
  }
  pclose(pipe);
  return output;
}

TEST(CliBrowser, ChromiumRendersTheTableAndTheFailures) {
  if (!std::filesystem::exists(kChromium)) {
    GTEST_SKIP() << kChromium
                 << " is absent: install Debian's chromium (.ci/install-deps) to "
                    "check index.html in a browser";
  }
  const auto directory = fresh_directory("lockstep-cli-browser");
  ASSERT_EQ(run_lockstep("run --runs 30 --seed 2 --shrink-runs 3 --report " +
                         (directory / "report").string())
                .exit_code,
            1);
  const auto page = directory / "report" / "index.html";
  const std::string dom =
      capture(chromium_command(directory / "profile-dom", "--dump-dom file://" + page.string()));
  ASSERT_NE(dom.find("<table class=\"verdicts\" id=\"verdicts\">"), std::string::npos) << dom;
  EXPECT_NE(dom.find("data-ready=\"yes\""), std::string::npos) << "the page's script did not run";
  EXPECT_NE(dom.find("implementations shown"), std::string::npos);
  const nlohmann::json report = read_report(directory / "report");
  for (const auto& implementation : report["implementations"]) {
    EXPECT_NE(dom.find(implementation["name"].get<std::string>()), std::string::npos);
    for (const auto& failure : implementation["failures"]) {
      EXPECT_NE(dom.find(failure["replay"].get<std::string>()), std::string::npos);
    }
  }
  EXPECT_NE(dom.find("<svg class=\"timeline\""), std::string::npos);
  EXPECT_NE(dom.find("Timeline of the shrunk schedule: shrunk from "), std::string::npos);

  const auto screenshot = directory / "index.png";
  capture(chromium_command(
      directory / "profile-shot",
      "--window-size=1280,1600 --screenshot=" + screenshot.string() + " file://" + page.string()));
  ASSERT_TRUE(std::filesystem::exists(screenshot));
  EXPECT_GT(std::filesystem::file_size(screenshot), 10'000u) << "a blank page is a few KiB";
}

}  // namespace
