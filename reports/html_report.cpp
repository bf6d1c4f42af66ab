// Rendering index.html.
#include "reports/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "conformance/catalogue/rule_catalogue.h"
#include "reports/markup_escape.h"
#include "reports/report_merge.h"
#include "reports/trace_timeline.h"

namespace lockstep::reports {

namespace {

// Only makes the page nicer: everything it says is in the markup (see html_report.h).
constexpr const char* kStyle = R"css(
body { font: 14px/1.45 system-ui, sans-serif; margin: 16px 24px; color: #1d2430;
  background: #fbfbfd; max-width: 1240px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d8dce4; }
h3 { font-size: 15px; margin: 18px 0 4px; }
.settings { color: #566; margin: 0 0 12px; }
.notice { background: #fff3cd; border: 1px solid #e0c36c; padding: 6px 10px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border: 1px solid #d8dce4; padding: 2px 6px; text-align: center; }
th.name, td.name { text-align: left; white-space: nowrap; }
thead th { background: #eef0f5; }
td.pass, td.ok { color: #1c6b32; }
td.fail, td.unexpected { background: #fbe1e1; color: #9b1c1c; font-weight: 600; }
td.expected { background: #fff4dc; color: #7a4d00; }
td.fail a, td.expected a { color: inherit; }
td.unchecked { color: #aab; }
p.rule-titles { color: #566; font-size: 12px; margin: 2px 0 10px; }
details.failure { background: #fff; border: 1px solid #d8dce4; border-left: 4px solid #c0392b;
  margin: 10px 0; padding: 6px 12px; }
details.failure.expected { border-left-color: #d9a400; }
details.failure summary { cursor: pointer; font-weight: 600; }
.explanation { font-family: ui-monospace, monospace; white-space: pre-wrap; }
p.replay { background: #1d2430; color: #e9eef6; padding: 6px 10px; overflow-wrap: anywhere;
  font-family: ui-monospace, monospace; }
p.timeline-caption { margin: 10px 0 4px; font-weight: 600; }
p.timeline-caption.not-shrunk { font-weight: normal; color: #566; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 6px 0; }
dl.facts dt { color: #566; }
dl.facts dd { margin: 0; font-family: ui-monospace, monospace; overflow-wrap: anywhere; }
svg.timeline { background: #fff; border: 1px solid #e3e6ec; max-width: 100%; height: auto; }
)css";

// A filter of failing implementations, and opening the failure a link points to. The page reads
// the same without it.
constexpr const char* kScript = R"js(
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-verdict]'));
  var table = Array.prototype.slice.call(document.querySelectorAll('table.verdicts tbody tr'));
  var failing = table.filter(function (row) { return row.dataset.verdict === 'fail'; });
  var status = document.getElementById('filter-status');
  var toggle = document.getElementById('only-failing');
  function apply() {
    rows.forEach(function (row) {
      row.hidden = toggle.checked && row.dataset.verdict !== 'fail';
    });
    status.textContent = (toggle.checked ? failing.length : table.length) + ' of ' +
        table.length + ' implementations shown, ' + failing.length + ' failing';
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

std::string text(const std::string& value) {
  return escape_markup_text(value);
}
std::string attribute(const std::string& value) {
  return escape_markup_attribute(value);
}

std::string anchor_of(const ImplementationReport& implementation, const Failure& failure) {
  return "failure--" + failure.file_stem(implementation.file_name());
}

std::string budget_text(const RunReport& report) {
  if (report.runs) {
    return fmt::format("{} schedules per suite", *report.runs);
  }
  if (report.time_seconds) {
    return fmt::format("as many schedules as fit in {} s", *report.time_seconds);
  }
  return fmt::format("schedule {} only", report.only_schedule.value_or(0));
}

std::uint64_t failed_on(const ImplementationReport& implementation, const std::string& rule) {
  const auto found = implementation.failed_schedules_by_rule.find(rule);
  if (found != implementation.failed_schedules_by_rule.end()) {
    return found->second;
  }
  // A report of schema 2 counted violations only: the best it can say.
  const auto violations = implementation.violations_by_rule.find(rule);
  return violations == implementation.violations_by_rule.end() ? 0 : violations->second;
}

// What the outcome means, in words, and the cell class that goes with it.
std::pair<std::string, std::string> outcome_text(const RunReport& report,
                                                 const ImplementationReport& implementation) {
  const std::string outcome = implementation.outcome();
  if (outcome == "not-applicable")
    return {"no suite applies", "unchecked"};
  if (report.verdict_policy != "self-check") {
    const std::string verdict = implementation.verdict();
    if (verdict == "pass") {
      return {"pass", "pass"};
    }
    if (verdict == "fail") {
      return {"FAIL", "fail"};
    }
    return {verdict == "incomplete" ? "INCOMPLETE: schedules not run" : "NOT EXERCISED",
            "unexpected"};
  }
  if (outcome == "pass")
    return {"pass", "pass"};
  if (outcome == "expected-fail") {
    return {"expected fail: mutant caught on " + implementation.expected_rule, "expected"};
  }
  if (outcome == "escaped") {
    return {"FAIL: mutant not caught on " + implementation.expected_rule, "unexpected"};
  }
  if (outcome == "caught-on-other-rule") {
    return {"FAIL: mutant caught, not on " + implementation.expected_rule, "unexpected"};
  }
  if (outcome == "not-judged") {
    return {"not judged: --rule leaves out " + implementation.expected_rule, "expected"};
  }
  if (outcome == "incomplete") {
    return {"INCOMPLETE: schedules not run", "unexpected"};
  }
  if (outcome == "not-exercised") {
    return {"NOT EXERCISED", "unexpected"};
  }
  return {"FAIL", "fail"};
}

std::string implementations_table(const RunReport& report) {
  std::string html =
      "<table class=\"verdicts\" id=\"verdicts\" border=\"1\">\n<thead><tr>"
      "<th class=\"name\">implementation</th><th>outcome</th><th>schedules</th>"
      "<th>failed</th><th class=\"name\">rules broken (failed schedules)</th></tr></thead>\n"
      "<tbody>\n";
  for (const ImplementationReport& implementation : report.implementations) {
    const auto [outcome, cell] = outcome_text(report, implementation);
    std::string broken;
    for (const auto& [rule, count] : implementation.violations_by_rule) {
      const std::vector<const Failure*> failures = implementation.failures_on(rule);
      const std::string label = fmt::format("{} ({})", rule, failed_on(implementation, rule));
      broken += (broken.empty() ? "" : ", ") +
                (failures.empty()
                     ? text(label)
                     : "<a href=\"#" + attribute(anchor_of(implementation, *failures.front())) +
                           "\">" + text(label) + "</a>");
    }
    std::string name = text(implementation.name);
    if (implementation.library) {
      name += " <small>" +
              text(implementation.library->version.empty()
                       ? implementation.library->path
                       : "version " + implementation.library->version + ", " +
                             implementation.library->path) +
              "</small>";
    } else if (!implementation.expected_rule.empty()) {
      name += " <small>(mutant: breaks " + text(implementation.expected_rule) + ")</small>";
    }
    html += fmt::format(
        "<tr data-verdict=\"{}\"><td class=\"name\">{}</td><td class=\"{}\">{}</td><td>{}</td>"
        "<td>{}</td><td class=\"name\">{}</td></tr>\n",
        implementation.verdict(), name, cell, text(outcome), implementation.schedules,
        implementation.failed_schedules, broken.empty() ? "-" : broken);
  }
  return html + "</tbody>\n</table>\n";
}

struct Family {
  std::string name;
  std::vector<std::string> rules;  // catalogue order; outcomes after
};

// The rule families of the catalogue, then the scheduler and isolation outcomes, each with the
// rules some implementation was checked against or broke.
std::vector<Family> families_of(const RunReport& report) {
  std::set<std::string> reported;
  for (const ImplementationReport& implementation : report.implementations) {
    for (const std::string& rule : implementation.rules_reported()) {
      reported.insert(rule);
    }
  }
  std::vector<Family> families;
  for (const conformance::Rule& rule : conformance::rule_catalogue()) {
    if (reported.erase(std::string(rule.id)) == 0) {
      continue;
    }
    if (families.empty() || families.back().name != rule.family) {
      families.push_back(Family{std::string(rule.family), {}});
    }
    families.back().rules.emplace_back(rule.id);
  }
  if (!reported.empty()) {
    families.push_back(
        Family{"scheduler and isolation outcomes", {reported.begin(), reported.end()}});
  }
  return families;
}

std::string rule_table(const RunReport& report, const Family& family) {
  std::string html = "<h3>" + text(family.name) +
                     "</h3>\n<table class=\"rules\" border=\"1\">\n"
                     "<thead><tr><th class=\"name\">implementation</th>";
  for (const std::string& rule : family.rules) {
    const conformance::Rule* known = conformance::find_rule(rule);
    html += fmt::format("<th title=\"{}\">{}</th>",
                        attribute(known != nullptr ? std::string(known->title) : "outcome"),
                        text(rule));
  }
  html += "</tr></thead>\n<tbody>\n";
  for (const ImplementationReport& implementation : report.implementations) {
    const std::vector<std::string> checked = implementation.rules_reported();
    const bool involved = std::any_of(family.rules.begin(), family.rules.end(), [&](auto& rule) {
      return std::find(checked.begin(), checked.end(), rule) != checked.end();
    });
    if (!involved || implementation.schedules == 0) {
      continue;
    }
    const bool expected = report.failures_expected(implementation);
    html += fmt::format("<tr data-verdict=\"{}\"><td class=\"name\">{}</td>",
                        implementation.verdict(), text(implementation.name));
    for (const std::string& rule : family.rules) {
      const std::uint64_t failed = failed_on(implementation, rule);
      if (failed > 0) {
        const std::vector<const Failure*> failures = implementation.failures_on(rule);
        const std::string label = fmt::format("✗ {}", failed);
        html += fmt::format("<td class=\"{}\" title=\"{} of {} schedules broke {}{}\">{}</td>",
                            expected ? "expected" : "fail", failed, implementation.schedules,
                            attribute(rule), expected ? " (expected)" : "",
                            failures.empty()
                                ? label
                                : "<a href=\"#" +
                                      attribute(anchor_of(implementation, *failures.front())) +
                                      "\">" + label + "</a>");
      } else if (std::find(checked.begin(), checked.end(), rule) != checked.end()) {
        html += "<td class=\"ok\" title=\"checked, held\">✓</td>";
      } else {
        html += "<td class=\"unchecked\" title=\"not checked\">-</td>";
      }
    }
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n<p class=\"rule-titles\">";
  for (std::size_t position = 0; position < family.rules.size(); ++position) {
    const conformance::Rule* known = conformance::find_rule(family.rules[position]);
    if (known != nullptr) {
      html += (position == 0 ? "" : " &middot; ") + text(family.rules[position]) + ": " +
              text(std::string(known->title));
    }
  }
  return html + "</p>\n";
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
    html += fmt::format(
        "<p class=\"timeline-caption shrunk\">Timeline of the shrunk schedule: shrunk from {} to "
        "{} decisions ({} schedules tried), the same rule broken.</p>\n<p class=\"explanation "
        "shrunk\">{}</p>\n<p>Replay the shrunk schedule:</p><p class=\"replay "
        "shrunk\"><code>{}</code></p>\n",
        failure.decisions, failure.shrunk_decisions, failure.shrink_probes,
        text(failure.shrunk_explanation), text(failure.shrunk_reproduce));
  } else if (!chosen_for_shrinking) {
    // Another failure of a rule already drawn above: its trace file, not a second picture.
    const std::string trace = "failures/" + Failure::stem_of(failure.replay_file) + ".trace.json";
    return html + fmt::format(
                      "<p class=\"timeline-caption not-shrunk\">Not drawn, as the first failure "
                      "of this rule is (not shrunk: {}): its {} decisions are in <a "
                      "href=\"{}\">{}</a>, for Perfetto or chrome://tracing.</p>\n",
                      text(not_shrunk_reason(report, failure, chosen_for_shrinking)),
                      failure.decisions, attribute(trace), text(trace));
  } else {
    html += fmt::format(
        "<p class=\"timeline-caption not-shrunk\">Timeline of the original schedule, {} "
        "decisions (not shrunk: {}).</p>\n",
        failure.decisions, text(not_shrunk_reason(report, failure, chosen_for_shrinking)));
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
  const bool expected = report.failures_expected(implementation);
  std::string html = fmt::format(
      "<details class=\"failure{}\" id=\"{}\"{}><summary>{} in {}, schedule {}{}{}</summary>\n",
      expected ? " expected" : "", attribute(anchor_of(implementation, failure)),
      open ? " open" : "", text(failure.rule), text(failure.suite), failure.schedule_index,
      failure.shrunk() ? " (shrunk)" : "", expected ? " &mdash; expected failure" : "");
  html += "<p class=\"explanation\">" + text(failure.explanation) + "</p>\n";
  std::string rules;
  for (const std::string& rule : failure.rules) {
    rules += (rules.empty() ? "" : ", ") + text(rule);
  }
  html += fmt::format(
      "<dl class=\"facts\"><dt>rules broken</dt><dd>{}</dd><dt>schedule seed</dt><dd>{}</dd>"
      "<dt>trace hash</dt><dd>{:016x}</dd><dt>decisions</dt><dd>{}{}</dd><dt>fault plan</dt>"
      "<dd>{}</dd>{}</dl>\n",
      rules, failure.schedule_seed, failure.trace_hash, failure.decisions,
      failure.shrunk() ? fmt::format(" (shrunk: {})", failure.shrunk_decisions) : "",
      text(failure.fault_plan),
      failure.reproduce_token.empty()
          ? ""
          : "<dt>reproduce string</dt><dd>" + text(failure.reproduce_token) + "</dd>");
  html += "<p>Reproduce:</p><p class=\"replay\"><code>" + text(failure.reproduce) + "</code></p>\n";
  html += timeline_section(report, failure, chosen_for_shrinking, load_trace);
  return html + "</details>\n";
}

// A legend of the timeline's marks, drawn the way the timeline draws them.
constexpr const char* kLegend =
    "<p class=\"legend\">Timelines: <svg width=\"18\" height=\"12\"><rect x=\"1\" y=\"1\" "
    "width=\"16\" height=\"10\" fill=\"#9dbcf0\" stroke=\"#3d6bb3\"/></svg> a call, labelled "
    "(dashed, yellow: never returned); <svg width=\"6\" height=\"12\"><rect x=\"2\" y=\"0\" "
    "width=\"2\" height=\"12\" fill=\"#2e8b57\"/></svg> a callback; <svg width=\"14\" "
    "height=\"14\"><path d=\"M7 1 L13 7 L7 13 L1 7 Z\" fill=\"#f08c2e\" stroke=\"#7a3e05\"/></svg> "
    "an injected fault, labelled (drop, refused, abort, session end); <svg width=\"8\" "
    "height=\"8\"><circle cx=\"4\" cy=\"4\" r=\"3\" fill=\"#8794a6\"/></svg> network traffic; "
    "<svg width=\"6\" height=\"14\"><line x1=\"3\" x2=\"3\" y1=\"0\" y2=\"14\" stroke=\"#c0392b\" "
    "stroke-width=\"2\"/></svg> a violation, labelled with its rule; dashed lines: the end of "
    "the fault phase and the outcome. Hover any mark for its full label.</p>\n";

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
      html +=
          "</summary>\n<table class=\"probes\"><thead><tr><th>probe</th><th>schedules "
          "that reached it</th></tr></thead><tbody>\n";
      for (const auto& [probe, count] : suite.probes) {
        html += "<tr><td>" + text(probe) + "</td><td>" +
                (count == 0 ? std::string("not reached")
                            : std::to_string(count) + " of " + std::to_string(suite.schedules)) +
                "</td></tr>\n";
      }
      html += "</tbody></table></details>\n";
    }
  }
  return html.empty() ? html : "<h2 id=\"coverage\">Coverage</h2>\n" + html;
}

std::string html_report(const RunReport& report, const TraceLoader& load_trace) {
  const bool self_check = report.verdict_policy == "self-check";
  std::size_t passed = 0;
  std::size_t expected = 0;
  std::size_t unexpected = 0;
  for (const ImplementationReport& implementation : report.implementations) {
    const std::string outcome = implementation.outcome();
    passed += outcome == "pass" ? 1 : 0;
    expected += self_check && (outcome == "expected-fail" || outcome == "not-judged") ? 1 : 0;
    unexpected += implementation.expectation_held() ? 0 : 1;
  }
  const std::string final_verdict = report.final_verdict();
  const std::string verdict =
      final_verdict == "pass"
          ? (self_check ? "every expectation held" : "every rule holds")
          : (final_verdict == "fail"
                 ? (self_check ? "not every expectation held" : "rules broken")
                 : (final_verdict == "incomplete" ? "incomplete" : "nothing was exercised"));
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>lockstep report: {}</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<h1>lockstep report: <span id=\"run-verdict\">{}</span></h1>\n",
      final_verdict, kStyle, verdict);
  html += fmt::format(
      "<p class=\"settings\">seed {}, strategy {}, {}, run digest <code>{:016x}"
      "</code>",
      report.seed, text(report.strategy), budget_text(report), report.run_digest);
  if (report.shard_count > 1) {
    html += ", shard(s)";
    for (const std::uint64_t shard : report.shards) {
      html += fmt::format(" {}", shard);
    }
    html += fmt::format(" of {}", report.shard_count);
  }
  if (!report.rule_filter.empty()) {
    html += ", rules " + text(report.rule_filter);
  }
  if (!report.lockstep_version.empty()) {
    html += ", lockstep " + text(report.lockstep_version) + " (" + text(report.build) + ")";
  }
  html += "</p>\n";
  if (self_check) {
    html += fmt::format(
        "<p id=\"summary\">Self-check verdict: {} implementation(s); {} passed, {} failed as "
        "expected (bundled mutants caught on the rule they declare), {} not as expected. "
        "(<code>--plain-verdict</code> would count every broken rule.)</p>\n",
        report.implementations.size(), passed, expected, unexpected);
  } else {
    html += fmt::format("<p id=\"summary\">Plain verdict: {} implementation(s), {} failing.</p>\n",
                        report.implementations.size(), report.implementations.size() - passed);
  }
  if (report.interrupted) {
    html +=
        "<p class=\"notice\">This run was interrupted: it shows the schedules that "
        "finished.</p>\n";
  }
  if (report.stopped_at_max_failures) {
    html += fmt::format(
        "<p class=\"notice\">This run stopped after {} unexpected failure(s) (--max-failures): "
        "it shows the schedules that finished.</p>\n",
        report.max_failures);
  }
  if (!report.reruns.empty()) {
    html +=
        "<h2>Known failures re-run first</h2>\n<table class=\"reruns\" border=\"1\"><thead>"
        "<tr><th class=\"name\">file</th><th>rule</th><th>result</th><th class=\"name\">what "
        "it found</th></tr></thead>\n<tbody>\n";
    for (const Rerun& rerun : report.reruns) {
      html += fmt::format(
          "<tr><td class=\"name\">{}</td><td>{}</td><td class=\"{}\">{}</td><td "
          "class=\"name\">{}</td></tr>\n",
          text(rerun.file), text(rerun.rule),
          rerun.result == "still-fails" ? (rerun.expected ? "expected" : "fail") : "pass",
          text(rerun.result), text(rerun.explanation));
    }
    html += "</tbody></table>\n";
  }
  html +=
      "<p id=\"controls\" hidden><label><input type=\"checkbox\" id=\"only-failing\"> only "
      "failing implementations</label> &mdash; <span id=\"filter-status\"></span></p>\n";
  html += "<h2>Implementations</h2>\n" + implementations_table(report);
  html +=
      "<h2>Rules</h2>\n<p>Only the rules an implementation was checked against or broke, and "
      "the implementations whose suites check them. &#x2717; N: N schedules broke the rule "
      "(linked to the first kept one); &#x2713;: checked, held; -: not checked.</p>\n";
  for (const Family& family : families_of(report)) {
    html += rule_table(report, family);
  }
  html += coverage_section(report);
  std::string failures;
  for (const ImplementationReport& implementation : report.implementations) {
    if (implementation.failures.empty()) {
      continue;
    }
    failures += fmt::format("<h3 id=\"implementation--{}\">{}: {} of {} schedules failed{}</h3>\n",
                            attribute(implementation.file_name()), text(implementation.name),
                            implementation.failed_schedules, implementation.schedules,
                            report.failures_expected(implementation) ? " (expected)" : "");
    const std::vector<std::size_t> chosen = choose_shrunk_failures(implementation.failures);
    for (std::size_t position = 0; position < implementation.failures.size(); ++position) {
      failures += failure_section(
          report, implementation, implementation.failures[position], position == 0,
          std::find(chosen.begin(), chosen.end(), position) != chosen.end(), load_trace);
    }
  }
  if (!failures.empty()) {
    html += "<h2>Failures</h2>\n" + std::string(kLegend) + failures;
  }
  html += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace lockstep::reports
