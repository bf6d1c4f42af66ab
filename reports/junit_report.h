// junit.xml: a run as CI systems (GitLab, Jenkins, GitHub test reporters) read it.
//
// One <testsuite> per implementation. In it, one <testcase> per rule the implementation was
// checked against or broke (classname "lockstep.<implementation>", name the rule id or the
// scheduler outcome), failing with the first kept failure's explanation and, in the body,
// every kept failure on that rule with its replay command (and its shrunk replay when the run
// shrank it); and one <testcase name="schedules"> per suite (classname
// "lockstep.<implementation>.<suite>") carrying the schedule count, which fails only when none
// of its schedules ran. Counts in the tests/failures attributes match the
// testcases. No wall-clock times: the file is as deterministic as report.json.
#pragma once

#include <string>

#include "reports/run_report.h"

namespace lockstep::reports {

std::string junit_xml(const RunReport& report);

}  // namespace lockstep::reports
