// Failures as CI servers annotate them (`lockstep run --annotations github|sarif`):
//
// - github: GitHub Actions workflow commands, one `::error title=...::message` line per rule an
//   implementation broke unexpectedly (with the first kept failure's explanation and reproduce
//   command) and per mutant that escaped, printed on stdout where the runner picks them up.
// - sarif: a SARIF 2.1.0 log (what GitHub code scanning, GitLab and Azure DevOps import), one
//   result per such failure, each located at its replay file under the report directory; the
//   rules carry the catalogue's titles and texts.
//
// Expected failures (a bundled mutant caught on its declared rule, under the self-check
// verdict) are left out: they are not something to fix. Values are escaped for their format:
// '%', CR and LF (and ',' and ':' in properties) as GitHub requires; JSON by nlohmann.
#pragma once

#include <string>

#include "reports/run_report.h"

namespace lockstep::reports {

/// The workflow command lines, each ending in a newline; empty when nothing failed unexpectedly.
std::string github_annotations(const RunReport& report);

/// The SARIF document.
std::string sarif_log(const RunReport& report);

}  // namespace lockstep::reports
