// junit.xml: a run as CI systems (GitLab, Jenkins, GitHub test reporters) read it.
//
// One <testsuite> per implementation. In it, one <testcase> per rule the implementation was
// checked against or broke (classname "lockstep.<implementation>", where a plugin is named by
// its table's name, never by the path of its library; name the rule id or the scheduler
// outcome), failing with the first kept failure's explanation and, in the body, every kept
// failure on that rule with its replay command (and its shrunk replay when the run shrank it);
// and one <testcase name="schedules"> per suite (classname "lockstep.<implementation>.<suite>")
// carrying the schedule count and the coverage probes' counts, which fails when none of its
// schedules ran ("no-schedules") or none got past creating its object ("not-exercised").
//
// Under the self-check verdict (RunReport::verdict_policy), a bundled mutant caught on the rule
// it declares is an expected failure and is written the way pytest writes an xfail: each rule it
// broke is <skipped type="expected-failure"> with the failures in <system-out>, so a CI server
// shows it as skipped, not red, exactly when `lockstep run` exits 0 for it. A mutant expected to
// be caught that was not has its declared rule's testcase fail with type "escaped" (and its
// failures on other rules stay failures); one the run cannot judge (type "incomplete": cut
// short; "not-judged": --rule leaves its rule out) is skipped. Under --plain-verdict every
// broken rule is a failure.
// Counts in the tests/failures/skipped attributes match the testcases. No wall-clock times:
// the file is as deterministic as report.json.
#pragma once

#include <string>

#include "reports/run_report.h"

namespace lockstep::reports {

std::string junit_xml(const RunReport& report);

}  // namespace lockstep::reports
