// A report directory, as `lockstep run --report DIR` and `lockstep report merge -o DIR` leave
// it: report.json, junit.xml, index.html, and failures/<stem>.replay and .trace.json (and
// <stem>.shrunk.replay and .shrunk.trace.json for the failures the run shrank).
//
// Invariants: every file is written atomically; report.json is written last, so a directory
// with a report.json is complete; index.html draws its timelines from the trace files in the
// same directory, so the page and the files never disagree.
#pragma once

#include <string>

#include "reports/run_report.h"

namespace lockstep::runner {

/// Makes sure DIR exists and can be written, before any schedule runs, and clears the
/// failure files (replay, trace and output files, shrunk ones included) a previous run left in
/// DIR/failures. One-line error on failure.
bool prepare_report_directory(const std::string& directory, std::string& error);
/// Makes sure DIR exists and can be written; clears nothing.
bool check_report_directory(const std::string& directory, std::string& error);
/// Removes the failure files a previous run left in DIR/failures.
void clear_failure_files(const std::string& directory);
/// True for the name a report gives a failure's file: "failures/<name>", with <name> a plain
/// file name (no directory part, not "." or "..", not hidden, no control characters).
bool is_failure_file_name(const std::string& path);

/// Writes junit.xml, index.html and report.json. One-line error on failure.
bool write_report_directory(const reports::RunReport& report, const std::string& directory,
                            std::string& error);

}  // namespace lockstep::runner
