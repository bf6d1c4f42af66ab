// Rendering index.html.
#include "reports/html_report.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "conformance/catalogue/rule_catalogue.h"
#include "reports/markup_escape.h"
#include "reports/report_merge.h"
#include "reports/trace_timeline.h"

namespace lockstep::reports {

namespace {

constexpr const char* kStyle = R"css(
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1d2430; background: #fbfbfd; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d8dce4; }
.settings { color: #566; margin: 0 0 12px; }
.interrupted { background: #fff3cd; border: 1px solid #e0c36c; padding: 6px 10px; }
table.verdicts { border-collapse: collapse; margin: 8px 0; }
.verdicts th, .verdicts td { border: 1px solid #d8dce4; padding: 3px 7px; text-align: center; }
.verdicts th.implementation, .verdicts td.implementation { text-align: left; white-space: nowrap; }
.verdicts thead th { background: #eef0f5; position: sticky; top: 0; }
td.pass { background: #e4f5e8; color: #1c6b32; }
td.fail { background: #fbe1e1; color: #9b1c1c; font-weight: 600; }
td.fail a { color: inherit; }
td.not-applicable { color: #9aa; background: #f4f5f7; }
details.failure { background: #fff; border: 1px solid #d8dce4; border-left: 4px solid #c0392b;
  margin: 10px 0; padding: 6px 12px; }
details.failure summary { cursor: pointer; font-weight: 600; }
.explanation { font-family: ui-monospace, monospace; white-space: pre-wrap; }
pre.replay { background: #1d2430; color: #e9eef6; padding: 6px 10px; overflow-x: auto; }
p.timeline-caption { margin: 10px 0 4px; font-weight: 600; }
p.timeline-caption.not-shrunk { font-weight: normal; color: #566; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 6px 0; }
dl.facts dt { color: #566; }
dl.facts dd { margin: 0; font-family: ui-monospace, monospace; }
svg.timeline { background: #fff; border: 1px solid #e3e6ec; max-width: 100%; height: auto; }
svg .lane-name { font: 11px ui-monospace, monospace; fill: #334; }
svg .lane-axis { stroke: #e3e6ec; }
svg .call { fill: #7fa7e6; stroke: #3d6bb3; }
svg .call.unreturned { fill: #f3d27a; stroke: #b08300; stroke-dasharray: 4 2; }
svg .call-name { font: 10px ui-monospace, monospace; fill: #102040; pointer-events: none; }
svg .callback { fill: #2e8b57; }
svg .note { fill: #99a; }
svg .fault { fill: #f08c2e; stroke: #8a4a0b; }
svg .violation line { stroke: #c0392b; stroke-width: 2; }
svg .violation circle { fill: #c0392b; }
svg .outcome line { stroke: #556; stroke-dasharray: 3 3; }
svg .outcome circle { fill: #556; }
.legend span { margin-right: 14px; }
.swatch { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin-right: 4px; }
)css";

constexpr const char* kScript = R"js(
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('table.verdicts tbody tr'));
  var failing = rows.filter(function (row) { return row.dataset.verdict === 'fail'; });
  var status = document.getElementById('filter-status');
  var toggle = document.getElementById('only-failing');
  function apply() {
    rows.forEach(function (row) {
      row.hidden = toggle.checked && row.dataset.verdict !== 'fail';
    });
    status.textContent = (toggle.checked ? failing.length : rows.length) + ' of ' +
        rows.length + ' implementations shown, ' + failing.length + ' failing';
  }
  function openTarget() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && target.tagName === 'DETAILS') { target.open = true; }
  }
  toggle.addEventListener('change', apply);
  window.addEventListener('hashchange', openTarget);
  document.getElementById('controls').hidden = false;
  apply();
  openTarget();
  document.body.dataset.ready = 'yes';
})();
)js";

std::string hex64(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

std::string text(const std::string& value) {
  return escape_markup_text(value);
}
std::string attribute(const std::string& value) {
  return escape_markup_attribute(value);
}

// The columns: every rule some implementation reports, catalogue order first, then outcomes.
std::vector<std::string> columns_of(const RunReport& report) {
  std::set<std::string> reported;
  for (const ImplementationReport& implementation : report.implementations) {
    for (const std::string& rule : implementation.rules_reported()) {
      reported.insert(rule);
    }
  }
  std::vector<std::string> columns;
  for (const conformance::Rule& rule : conformance::rule_catalogue()) {
    if (reported.erase(std::string(rule.id)) > 0) {
      columns.emplace_back(rule.id);
    }
  }
  columns.insert(columns.end(), reported.begin(), reported.end());
  return columns;
}

std::string anchor_of(const ImplementationReport& implementation, const Failure& failure) {
  return "failure--" + failure.file_stem(implementation.name);
}

std::string budget_text(const RunReport& report) {
  if (report.runs) {
    return std::to_string(*report.runs) + " schedules per suite";
  }
  if (report.time_seconds) {
    return "as many schedules as fit in " + std::to_string(*report.time_seconds) + " s";
  }
  return "schedule " + std::to_string(report.only_schedule.value_or(0)) + " only";
}

std::string verdict_table(const RunReport& report, const std::vector<std::string>& columns) {
  std::string html =
      "<table class=\"verdicts\" id=\"verdicts\">\n<thead><tr>"
      "<th class=\"implementation\">implementation</th><th>verdict</th>"
      "<th>schedules</th>";
  for (const std::string& column : columns) {
    const conformance::Rule* rule = conformance::find_rule(column);
    const std::string title = rule != nullptr ? std::string(rule->title) : "scheduler outcome";
    html += "<th title=\"" + attribute(title) + "\">" + text(column) + "</th>";
  }
  html += "</tr></thead>\n<tbody>\n";
  for (const ImplementationReport& implementation : report.implementations) {
    const std::string verdict = implementation.verdict();
    html += "<tr data-verdict=\"" + verdict + "\"><td class=\"implementation\">" +
            text(implementation.name) +
            (implementation.expected_rule.empty()
                 ? ""
                 : " <small>(mutant: breaks " + text(implementation.expected_rule) + ")</small>") +
            "</td><td class=\"" + verdict + "\">" + verdict + "</td><td>" +
            std::to_string(implementation.schedules) + "</td>";
    const std::vector<std::string> checked = implementation.rules_reported();
    for (const std::string& column : columns) {
      const auto broken = implementation.violations_by_rule.find(column);
      if (broken != implementation.violations_by_rule.end()) {
        const std::vector<const Failure*> failures = implementation.failures_on(column);
        const std::string label = "fail &times;" + std::to_string(broken->second);
        html += "<td class=\"fail\">" +
                (failures.empty()
                     ? label
                     : "<a href=\"#" + attribute(anchor_of(implementation, *failures.front())) +
                           "\">" + label + "</a>") +
                "</td>";
      } else if (implementation.schedules > 0 &&
                 std::find(checked.begin(), checked.end(), column) != checked.end()) {
        html += "<td class=\"pass\">pass</td>";
      } else {
        html += "<td class=\"not-applicable\">n/a</td>";
      }
    }
    html += "</tr>\n";
  }
  return html + "</tbody>\n</table>\n";
}

// Why a failure's timeline is its original schedule's.
std::string not_shrunk_reason(const RunReport& report, const Failure& failure,
                              bool chosen_for_shrinking) {
  if (report.shrink_runs == 0) {
    return "shrinking was off, --shrink-runs 0";
  }
  if (report.interrupted && chosen_for_shrinking) {
    return "the run was interrupted before it shrank its failures";
  }
  if (!chosen_for_shrinking) {
    return "the run shrinks the first failure of each rule; lockstep shrink minimises this one";
  }
  if (failure.decisions == 0) {
    return "its schedule left no decision log to shrink";
  }
  return "the shrink did not finish (the run's output says why)";
}

// The caption, the shrunk replay command when there is one, and the timeline below them.
std::string timeline_section(const RunReport& report, const Failure& failure,
                             bool chosen_for_shrinking, const TraceLoader& load_trace) {
  std::string html;
  std::string trace_file = failure.replay_file;
  if (failure.shrunk()) {
    trace_file = failure.shrunk_replay_file;
    html += "<p class=\"timeline-caption shrunk\">Timeline of the shrunk schedule: shrunk from " +
            std::to_string(failure.decisions) + " to " + std::to_string(failure.shrunk_decisions) +
            " decisions (" + std::to_string(failure.shrink_probes) +
            " schedules tried), the same rule broken.</p>\n<p class=\"explanation shrunk\">" +
            text(failure.shrunk_explanation) +
            "</p>\n<p>Replay the shrunk schedule:</p><pre class=\"replay shrunk\"><code>" +
            text(failure.shrunk_reproduce) + "</code></pre>\n";
  } else {
    html += "<p class=\"timeline-caption not-shrunk\">Timeline of the original schedule, " +
            std::to_string(failure.decisions) + " decisions (not shrunk: " +
            text(not_shrunk_reason(report, failure, chosen_for_shrinking)) + ").</p>\n";
  }
  const std::optional<std::string> trace =
      trace_file.empty() ? std::nullopt : load_trace(Failure::stem_of(trace_file));
  if (!trace) {
    return html +
           "<p class=\"no-timeline\">No timeline: the run kept no trace file for this "
           "schedule (run with --report DIR).</p>\n";
  }
  std::string error;
  const std::optional<std::string> svg = timeline_svg(*trace, error);
  return html + (svg ? "<div class=\"timeline-box\">" + *svg + "</div>\n"
                     : "<p class=\"no-timeline\">No timeline: " + text(error) + "</p>\n");
}

std::string failure_section(const RunReport& report, const ImplementationReport& implementation,
                            const Failure& failure, bool open, bool chosen_for_shrinking,
                            const TraceLoader& load_trace) {
  std::string html = "<details class=\"failure\" id=\"" +
                     attribute(anchor_of(implementation, failure)) + "\"" + (open ? " open" : "") +
                     "><summary>" + text(failure.rule) + " in " + text(failure.suite) +
                     ", schedule " + std::to_string(failure.schedule_index) +
                     (failure.shrunk() ? " (shrunk)" : "") + "</summary>\n";
  html += "<p class=\"explanation\">" + text(failure.explanation) + "</p>\n";
  html += "<dl class=\"facts\"><dt>rules broken</dt><dd>";
  for (std::size_t position = 0; position < failure.rules.size(); ++position) {
    html += (position == 0 ? "" : ", ") + text(failure.rules[position]);
  }
  html += "</dd><dt>schedule seed</dt><dd>" + std::to_string(failure.schedule_seed) +
          "</dd><dt>trace hash</dt><dd>" + hex64(failure.trace_hash) +
          "</dd><dt>decisions</dt><dd>" + std::to_string(failure.decisions) +
          (failure.shrunk() ? " (shrunk: " + std::to_string(failure.shrunk_decisions) + ")" : "") +
          "</dd><dt>fault plan</dt><dd>" + text(failure.fault_plan) + "</dd></dl>\n";
  html +=
      "<p>Reproduce:</p><pre class=\"replay\"><code>" + text(failure.reproduce) + "</code></pre>\n";
  html += timeline_section(report, failure, chosen_for_shrinking, load_trace);
  return html + "</details>\n";
}

}  // namespace

// Per implementation and suite, the schedules that reached each coverage probe; a probe no
// schedule reached says so in words (not only by its count), collapsed when there is no gap.
std::string coverage_section(const RunReport& report) {
  std::string html;
  for (const ImplementationReport& implementation : report.implementations) {
    for (const SuiteRun& suite : implementation.suites) {
      if (suite.probes.empty()) {
        continue;
      }
      const std::vector<std::string> unreached = suite.unreached_probes();
      html += std::string("<details class=\"coverage\"") + (unreached.empty() ? "" : " open") +
              "><summary>" + text(implementation.name) + ", suite " + text(suite.name) + ": " +
              std::to_string(suite.probes.size() - unreached.size()) + " of " +
              std::to_string(suite.probes.size()) + " probes reached";
      if (!unreached.empty()) {
        html += "; not reached:";
        for (const std::string& probe : unreached) {
          html += " " + text(probe);
        }
      }
      html += "</summary>\n<table class=\"probes\"><thead><tr><th>probe</th><th>schedules "
              "that reached it</th></tr></thead><tbody>\n";
      for (const auto& [probe, count] : suite.probes) {
        html += "<tr><td>" + text(probe) + "</td><td>" +
                (count == 0 ? std::string("not reached") : std::to_string(count) + " of " +
                                                              std::to_string(suite.schedules)) +
                "</td></tr>\n";
      }
      html += "</tbody></table></details>\n";
    }
  }
  return html.empty() ? html : "<h2 id=\"coverage\">Coverage</h2>\n" + html;
}

std::string html_report(const RunReport& report, const TraceLoader& load_trace) {
  const std::vector<std::string> columns = columns_of(report);
  std::size_t failing = 0;
  for (const ImplementationReport& implementation : report.implementations) {
    failing += implementation.passed() ? 0 : 1;
  }
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>lockstep report: " +
      report.verdict() + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  html += "<h1>lockstep report: <span id=\"run-verdict\">" +
          std::string(report.all_passed()                ? "every rule holds"
                      : report.verdict() == "fail"       ? "rules broken"
                      : report.verdict() == "incomplete" ? "incomplete"
                                                         : "nothing was exercised") +
          "</span></h1>\n";
  html += "<p class=\"settings\">seed " + std::to_string(report.seed) + ", strategy " +
          text(report.strategy) + ", " + budget_text(report) + ", run digest <code>" +
          hex64(report.run_digest) + "</code>";
  if (report.shard_count > 1) {
    html += ", shard(s)";
    for (const std::uint64_t shard : report.shards) {
      html += " " + std::to_string(shard);
    }
    html += " of " + std::to_string(report.shard_count);
  }
  html += "</p>\n<p id=\"summary\">" + std::to_string(report.implementations.size()) +
          " implementation(s), " + std::to_string(failing) + " failing.</p>\n";
  if (report.interrupted) {
    html +=
        "<p class=\"interrupted\">This run was interrupted: it shows the schedules that "
        "finished.</p>\n";
  }
  html +=
      "<p id=\"controls\" hidden><label><input type=\"checkbox\" id=\"only-failing\"> only "
      "failing implementations</label> &mdash; <span id=\"filter-status\"></span></p>\n";
  html += verdict_table(report, columns);
  html +=
      "<p class=\"legend\"><span><span class=\"swatch\" style=\"background:#7fa7e6\"></span>"
      "call (dashed: never returned)</span><span><span class=\"swatch\" "
      "style=\"background:#2e8b57\"></span>callback</span><span><span class=\"swatch\" "
      "style=\"background:#f08c2e\"></span>fault</span><span><span class=\"swatch\" "
      "style=\"background:#c0392b\"></span>violation</span></p>\n";
  html += coverage_section(report);
  for (const ImplementationReport& implementation : report.implementations) {
    if (implementation.failures.empty()) {
      continue;
    }
    html += "<h2 id=\"implementation--" + attribute(implementation.name) + "\">" +
            text(implementation.name) + ": " + std::to_string(implementation.failed_schedules) +
            " of " + std::to_string(implementation.schedules) + " schedules failed</h2>\n";
    const std::vector<std::size_t> chosen = choose_shrunk_failures(implementation.failures);
    for (std::size_t position = 0; position < implementation.failures.size(); ++position) {
      html += failure_section(
          report, implementation, implementation.failures[position], position == 0,
          std::find(chosen.begin(), chosen.end(), position) != chosen.end(), load_trace);
    }
  }
  html += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace lockstep::reports
