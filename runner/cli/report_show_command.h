// `lockstep report show DIR`: a report directory's findings in the terminal, without a browser:
// the run's settings and verdict, then every kept failure (implementation, rule, suite and
// schedule, whether it was expected, the explanation and the commands that reproduce it), and
// the mutants that escaped. Exit 0 when the report's verdict passed, 1 when not, 2 when DIR
// holds no readable report.
#pragma once

#include <string>

namespace lockstep::cli {

int report_show_command(const std::string& directory);

}  // namespace lockstep::cli
