// index.html: a run for people, in one self-contained file.
//
// A table of implementations by rules (pass / fail with a count / n/a when none of the
// implementation's suites checks the rule), then every kept failure with its explanation,
// fault plan, replay command and a timeline (trace_timeline.h): of the shrunk schedule when
// the run shrank the failure (captioned "shrunk from N to M decisions", with the command that
// replays it), else of the original schedule, captioned with why it was not shrunk. CSS and
// JavaScript are inline and nothing refers to the network, so the file opens from a CI
// artifact, an e-mail or an air-gapped machine alike. The page reads fine without JavaScript;
// the script only adds a filter and opens the failure a table cell links to.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "reports/run_report.h"

namespace lockstep::reports {

/// Returns the Chrome trace JSON failures/<stem>.trace.json, if there is one (`stem` as
/// Failure::stem_of gives it: "<implementation>--<suite>--<index>", ".shrunk" for a shrunk one).
using TraceLoader = std::function<std::optional<std::string>(const std::string& stem)>;

std::string html_report(const RunReport& report, const TraceLoader& load_trace);

}  // namespace lockstep::reports
