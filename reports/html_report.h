// index.html: a run for people, in one self-contained file.
//
// From the top: the verdict and what it means (under the self-check verdict, how many
// implementations did what the run expected of them), the run's settings, then a table of the
// implementations (outcome, schedules, failed schedules, the rules each broke, linked to their
// failures), then the rule matrix split by rule family (async model, channel, service host,
// scheduler and isolation outcomes), each table holding only the rules some implementation was
// checked against or broke and only the implementations its suites check: a cell counts the
// schedules that broke the rule ("✗ 12", linked to the failure), "✓" means checked and held,
// "-" not checked. Then
// every kept failure with its explanation, fault plan and replay commands; the first failure of
// each rule (the one the run shrinks) with a timeline (trace_timeline.h): of the shrunk schedule
// when the run shrank it (captioned "shrunk from N to M decisions", with the command that
// replays it), else of the original schedule, captioned with why it was not shrunk. The other
// failures link to their Chrome trace instead of drawing a second picture of the same rule.
//
// Nothing refers to the network, so the file opens from a CI artifact, an e-mail or an
// air-gapped machine alike. Everything the page says is in its text and markup: the inline
// style sheet and script only make it nicer (a filter of failing implementations), so the page
// stays readable where a CI server's Content-Security-Policy blocks both (Jenkins' default):
// tables have border="1", no element has a style attribute, timelines colour themselves with
// SVG presentation attributes and label every mark, and no fact is told by colour alone.
// Sized for a 1280 px window.
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
