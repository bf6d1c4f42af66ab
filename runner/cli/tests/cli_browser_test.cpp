// index.html in a real browser: Debian's Chromium, headless, renders the verdict table and
// the failures, and the page's script runs (it marks <body data-ready="yes">); the page fits a
// 1280 px window with its style sheet and without it (a Content-Security-Policy that blocks
// styles, as Jenkins' does), and says the same things either way. Skipped, with the reason,
// only where /usr/bin/chromium is not installed (CI installs it: .ci/install-deps).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

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
  ASSERT_EQ(run_lockstep("run --runs 30 --seed 2 --shrink-runs 3 --plain-verdict --report " +
                         (directory / "report").string())
                .exit_code,
            1);
  const auto page = directory / "report" / "index.html";
  const std::string dom =
      capture(chromium_command(directory / "profile-dom", "--dump-dom file://" + page.string()));
  ASSERT_NE(dom.find("<table class=\"verdicts\" id=\"verdicts\" border=\"1\">"), std::string::npos) << dom;
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

// A copy of the page that measures itself once loaded: its width, and whether the style sheet
// applied (tables collapse their borders only with it); with `csp`, a policy that blocks every
// style sheet and style attribute comes first, as a CI server's header would.
std::string measured_dom(const std::filesystem::path& directory, const std::string& page_html,
                         bool csp, const std::string& name) {
  std::string html = page_html;
  if (csp) {
    html.replace(html.find("<head>") + 6, 0,
                 "\n<meta http-equiv=\"Content-Security-Policy\" content=\"style-src 'none'\">");
  }
  html.replace(html.rfind("</body>"), 0,
               "<script>document.body.dataset.scrollWidth = "
               "document.documentElement.scrollWidth; document.body.dataset.collapse = "
               "getComputedStyle(document.querySelector('table')).borderCollapse;</script>");
  const auto path = directory / (name + ".html");
  std::ofstream(path) << html;
  return capture(chromium_command(directory / ("profile-" + name),
                                  "--window-size=1280,1000 --dump-dom file://" + path.string()));
}

std::string data_attribute(const std::string& dom, const std::string& name) {
  std::smatch match;
  return std::regex_search(dom, match, std::regex("data-" + name + "=\"([^\"]*)\""))
             ? match[1].str()
             : "";
}

TEST(CliBrowser, FitsA1280PixelWindowWithAndWithoutItsStyleSheet) {
  if (!std::filesystem::exists(kChromium)) {
    GTEST_SKIP() << kChromium << " is absent: install Debian's chromium (.ci/install-deps)";
  }
  // Every bundled implementation, as the main job: the widest matrix lockstep draws.
  const auto directory = fresh_directory("lockstep-cli-browser-width");
  ASSERT_NE(run_lockstep("run --runs 20 --seed 3 --shrink-runs 0 --report " +
                         (directory / "report").string())
                .exit_code,
            2);
  const std::string page = read_text(directory / "report" / "index.html");
  for (const bool csp : {false, true}) {
    const std::string dom = measured_dom(directory, page, csp, csp ? "csp" : "styled");
    const std::string width = data_attribute(dom, "scroll-width");
    ASSERT_FALSE(width.empty()) << dom.substr(0, 2000);
    EXPECT_LE(std::stoi(width), 1280) << (csp ? "without" : "with") << " its style sheet";
    EXPECT_EQ(data_attribute(dom, "collapse"), csp ? "separate" : "collapse")
        << "the policy " << (csp ? "blocked" : "let through") << " the style sheet";
    // The words that carry the verdicts are in the page either way.
    for (const char* words : {"expected fail: mutant caught on ", "✓", "✗ ", "virtual time"}) {
      EXPECT_NE(dom.find(words), std::string::npos) << words;
    }
  }
}

}  // namespace
