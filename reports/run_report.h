// The results of a `lockstep run` (or of a merge of sharded runs), and report.json, the
// machine-readable form of them.
//
// report.json carries a schema version, lockstep's version and build, the run's seed, strategy,
// budget, shard and filters, the plain and the self-check verdicts, and per implementation (a
// plugin named by its table's name, with its library's path, version and SHA-256) the rules it
// was checked against, the schedules run, failed and not run per suite and per rule, the
// coverage probes its suites reached, its plain verdict, what the run expected of it (a bundled
// mutant: to be caught on the rule it declares) and the outcome, and the kept failures (each
// with rule, seed, explanation, how to reproduce it, and for the failures the run shrank, the
// shrunk replay and its size). Values that may use all 64 bits (seeds, schedule indices) are
// decimal strings, since JSON readers such as jq and JavaScript round numbers above 2^53;
// hashes and digests are hex strings. reports/report.schema.json describes the file; schema 2
// files still read. Nothing in it depends
// on the wall clock, on the number of worker processes or on the order in which schedules
// finished: the same command on the same build writes the same bytes. The one exception is an
// interrupted or --time run, whose set of finished schedules depends on when it stopped; the
// file says so ("interrupted", "budget"). Digests are order-independent sums (see
// schedule_digest.h), so the merge of a run's shards has the unsharded run's digest. Files are
// written atomically (a temporary file renamed into place): a reader never sees half of one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::reports {

inline constexpr int kReportSchemaVersion = 3;
/// The oldest schema parse_report still reads (2: seeds and indices as JSON numbers).
inline constexpr int kOldestReadableReportSchema = 2;

/// lockstep's own version (CMake's PROJECT_VERSION), as `lockstep --version` prints it.
std::string lockstep_version();

struct Failure {
  std::string suite;
  std::string rule;  ///< the first broken rule id, or the scheduler outcome ("deadlock")
  std::vector<std::string> rules;  ///< every distinct rule (or outcome) the schedule broke
  std::uint64_t schedule_seed = 0;
  std::uint64_t schedule_index = 0;
  std::string explanation;
  std::string fault_plan;
  std::string reproduce;  ///< the command that re-runs this schedule
  /// The short form that regenerates the schedule from seed and index (reproduce_token.h);
  /// empty for a plugin, whose library path the command carries instead.
  std::string reproduce_token;
  std::string replay_file;       ///< "failures/<stem>.replay" inside the report directory, or empty
  std::uint64_t trace_hash = 0;  ///< the same when the schedule is re-run
  std::uint64_t decisions = 0;   ///< size of the schedule's decision log
  /// False when re-running the schedule did not give the same trace hash (or the same crash,
  /// hang or memory blow-up): the run then exits 3. report.json says "reproduced": false.
  bool reproduced = true;
  /// "failures/<stem>.output.txt": the end of what the implementation printed to its standard
  /// output and error while the schedule ran again; empty when it printed nothing.
  std::string output_file;

  /// Set when the run shrank this failure (report_merge.h says which ones it shrinks): the
  /// shrunk schedule breaks the same rule with no more decisions than the original.
  std::string shrunk_replay_file;  ///< "failures/<stem>.shrunk.replay"; empty: not shrunk
  std::string shrunk_reproduce;    ///< the command that replays the shrunk schedule
  std::uint64_t shrunk_decisions = 0;
  std::uint64_t shrunk_trace_hash = 0;
  std::string shrunk_explanation;   ///< what the shrunk schedule broke, where
  std::uint64_t shrink_probes = 0;  ///< schedules the shrink ran

  bool shrunk() const { return !shrunk_replay_file.empty(); }
  /// Clears the shrunk fields.
  void forget_shrink();

  /// "<implementation>--<suite>--<index>": the name of its files under failures/.
  std::string file_stem(const std::string& implementation) const;
  /// The stem of a file this report names, "failures/<stem>.replay" (or ".shrunk.replay"
  /// gives "<stem>.shrunk"): its Chrome trace is failures/<stem>.trace.json. Empty for "".
  static std::string stem_of(const std::string& replay_file);
};

/// A suite that applied to an implementation: how many of its schedules ran and failed, and
/// what they exercised.
struct SuiteRun {
  std::string name;
  std::uint64_t schedules = 0;
  /// Coverage: per probe name, the schedules that reached it. Every probe the suite is meant to
  /// reach is present (0 when none did), then any other probe a schedule reached. Absent from
  /// reports written before probes existed, which read as empty.
  std::map<std::string, std::uint64_t> probes = {};

  /// The probes present with a count of 0: situations no schedule of this suite reached.
  std::vector<std::string> unreached_probes() const;
  /// Schedules whose scenario could not create the object it exercises (create_channel or
  /// create_service_host failed): they tested nothing. All of them: the suite was not exercised.
  std::uint64_t schedules_without_subject = 0;
  std::uint64_t failed_schedules = 0;
  /// As ImplementationReport::violations_by_rule, for this suite's schedules.
  std::map<std::string, std::uint64_t> violations_by_rule = {};

  bool exercised() const { return schedules == 0 || schedules_without_subject < schedules; }
};

/// The library a plugin was loaded from: what exactly was tested.
struct LibraryIdentity {
  std::string path;     ///< absolute
  std::string sha256;   ///< of the file, 64 hex digits
  std::string version;  ///< the table's version string; may be empty
};

/// One stateful property checked on an implementation (RapidCheck, seeded by the run): its
/// verdict, and for a failure the shrunk case and the RC_PARAMS value that re-runs it.
struct PropertyRun {
  std::string name;                        ///< "channel lifecycle"
  std::vector<std::string> rules_checked;  ///< what its verdict vouches for
  std::uint64_t seed = 0;                  ///< RapidCheck's
  std::uint64_t cases = 0;                 ///< cases that held (before a failure, or in all)
  /// "held", "failed" (a rule broke), "gave-up" (too many cases discarded: no verdict), or how
  /// the worker process running it ended ("crash-SIGSEGV", "hang", ...).
  std::string verdict;
  std::vector<std::string> rules_broken;  ///< by the shrunk case (or the isolation id)
  std::string message;                    ///< RapidCheck's, or the worker's end
  std::string reproduce;                  ///< RC_PARAMS="<this>" re-runs the shrunk case
  std::string case_file;  ///< the shrunk case as text, relative to the report directory

  bool failed() const { return verdict != "held" && verdict != "gave-up"; }
  bool broke(const std::string& rule) const {
    return std::find(rules_broken.begin(), rules_broken.end(), rule) != rules_broken.end();
  }
};

/// What a run expects of an implementation (the self-check verdict, see RunReport).
enum class Expectation {
  none,        ///< a plugin: its failures are plain failures
  pass,        ///< a correct implementation, or a mutant whose defect no suite of the run exercises
  caught,      ///< a mutant whose declared rule the run checks: it must break it
  not_judged,  ///< a mutant whose declared rule --rule leaves out: its results are shown only
};
std::string expectation_name(Expectation expectation);
std::optional<Expectation> expectation_from_name(const std::string& name);

struct ImplementationReport {
  /// A bundled name, or a plugin's table name (made unique within the run if need be).
  std::string name;
  std::string kind;                        ///< "reference", "independent", "mutant", "plugin"
  std::string expected_rule;               ///< for a mutant: the rule it is known to break
  std::optional<LibraryIdentity> library;  ///< for a plugin
  Expectation expectation = Expectation::none;
  std::vector<SuiteRun> suites;            ///< the suites that applied, in registry order
  std::vector<std::string> rules_checked;  ///< rule ids those suites check, in catalogue order
  std::uint64_t schedules = 0;
  std::uint64_t failed_schedules = 0;
  /// Violations per rule id, plus one per schedule that ended abnormally (deadlock, budget,
  /// exception) under the outcome's name. Ordered by key.
  std::map<std::string, std::uint64_t> violations_by_rule;
  /// Failed schedules per rule id (or outcome): a schedule that broke a rule three times
  /// counts once. What the verdict table shows.
  std::map<std::string, std::uint64_t> failed_schedules_by_rule;
  /// Kept failures in schedule order (index, then suite): the first `failures_kept`, plus the
  /// first schedule that broke each rule, so every broken rule has a reproduction.
  std::vector<Failure> failures;
  std::optional<std::uint64_t> first_failure_index;
  std::uint64_t digest = 0;  ///< sum of the schedules' digest terms (schedule_digest.h)
  /// Schedules the run owed this implementation but did not run: it was interrupted, or gave
  /// up on the implementation after `stopped_after_hangs` hangs.
  std::uint64_t schedules_not_run = 0;
  std::uint64_t stopped_after_hangs = 0;  ///< 0: not given up on
  /// No suite of lockstep applies to it at all (a plugin that provides no part): not a pass.
  bool provides_no_part = false;
  /// The stateful properties checked on it, in runnable order (none when they were not run).
  std::vector<PropertyRun> properties;

  std::uint64_t failed_properties() const {
    return static_cast<std::uint64_t>(std::count_if(
        properties.begin(), properties.end(), [](const PropertyRun& run) { return run.failed(); }));
  }
  bool passed() const { return failed_schedules == 0 && failed_properties() == 0; }
  /// "fail" when a schedule failed; "incomplete" when schedules it was owed did not run;
  /// "not-exercised" when it provides no part lockstep tests, or a suite ran but none of its
  /// schedules got past creating the object it exercises; "not-applicable" when the suites
  /// that apply to it were not selected; else "pass".
  std::string verdict() const;
  /// The suites none of whose schedules got past creation.
  std::vector<std::string> suites_not_exercised() const;
  /// The rows a report shows for it: rules_checked, then any other rule or outcome it broke.
  std::vector<std::string> rules_reported() const;
  /// Kept failures that broke `rule` (among others).
  std::vector<const Failure*> failures_on(const std::string& rule) const;
  /// "<suite>: <probe>" for every probe a suite of it never reached, in suite then name order.
  std::vector<std::string> unreached_probes() const;
  /// For a mutant: it failed on the rule it declares (a failure on another rule only is a
  /// miss).
  bool caught_as_declared() const {
    return !expected_rule.empty() &&
           (violations_by_rule.count(expected_rule) > 0 ||
            std::any_of(properties.begin(), properties.end(),
                        [this](const PropertyRun& run) { return run.broke(expected_rule); }));
  }
  /// What the self-check makes of it. For a mutant expected to be caught: "expected-fail"
  /// (caught on its declared rule), else "incomplete" (schedules owed were not run), else
  /// "escaped" (no failure) or "caught-on-other-rule". For one not judged: "not-judged". Otherwise
  /// the plain verdict.
  std::string outcome() const;
  /// The outcome is what the run expected: "pass", "expected-fail", "not-judged" or
  /// "not-applicable".
  bool expectation_held() const;
  /// The file-name-safe form of `name`, for failures/<stem>.replay.
  std::string file_name() const;
};

/// A past failure re-run before the schedules (--rerun-failed, failure_database.h).
struct Rerun {
  std::string implementation;  ///< as in the report
  std::string file;            ///< the database file, relative to the report directory
  std::string rule;            ///< the rule it recorded
  /// "still-fails" (the recorded rule broke again) or "now-holds" (it held on that schedule,
  /// or the nearest one a changed implementation runs).
  std::string result;
  std::string explanation;  ///< what the re-run found, in one line
  bool expected = false;    ///< a bundled mutant's failure, under self-check: it should fail
};

struct RunReport {
  std::uint64_t seed = 0;
  std::string strategy;
  /// Exactly one budget is set: --runs N, --time SEC, or --schedule I.
  std::optional<std::uint64_t> runs;
  std::optional<std::uint64_t> time_seconds;
  std::optional<std::uint64_t> only_schedule;
  /// The shards this report covers (1-based) out of shard_count; an unsharded run, and the
  /// merge of every shard, is {1} of 1.
  std::vector<std::uint64_t> shards{1};
  std::uint64_t shard_count = 1;
  bool interrupted = false;  ///< stopped by SIGINT/SIGTERM before its budget was spent
  std::uint64_t failures_kept = 5;
  /// --shrink-runs: the edited schedules each shrunk failure may spend; 0: shrinking was off.
  /// Absent from reports written before shrinking existed, which read as 0.
  std::uint64_t shrink_runs = 0;
  std::string lockstep_version;  ///< of the lockstep that wrote it
  std::string build;             ///< reports::build_id() of that lockstep
  /// --rule, in its flag form; empty: every rule counts.
  std::string rule_filter;
  /// --max-failures N (0: no limit), and whether the run stopped on it.
  std::uint64_t max_failures = 0;
  bool stopped_at_max_failures = false;
  /// "self-check": the run passes when every expectation holds (a bundled mutant caught on its
  /// declared rule is an expected failure); "plain" (--plain-verdict): when every rule holds.
  std::string verdict_policy = "self-check";
  std::vector<Rerun> reruns;
  std::vector<ImplementationReport> implementations;
  std::uint64_t run_digest = 0;

  /// The plain verdict: "fail" when an implementation failed (a bundled mutant included) or a
  /// re-run known failure still fails; else "incomplete" when the run was interrupted or an
  /// implementation's schedules did not all run; else "not-exercised" when an implementation
  /// was not exercised or no schedule ran at all; else "pass".
  std::string verdict() const;
  /// The self-check verdict: "fail" when an expectation broke (a correct implementation or a
  /// plugin failed, a mutant escaped or was caught only on other rules with the budget to
  /// judge it, a re-run failure still fails unexpectedly); else "incomplete", "not-exercised"
  /// or "pass" as for the plain verdict, by the implementations' outcomes.
  std::string self_check_verdict() const;
  /// The verdict verdict_policy names: what the exit code follows.
  std::string final_verdict() const;
  /// The plain verdict is "pass".
  bool all_passed() const;
  /// Every implementation's expectation held, and no rerun failed unexpectedly.
  bool expectations_held() const;
  /// What the exit code follows: expectations_held() or all_passed(), by verdict_policy.
  bool verdict_passed() const;
  /// Under self-check, an implementation's failures are expected when it is a mutant caught on
  /// its declared rule or not judged: reports mark them as such, annotations leave them out.
  bool failures_expected(const ImplementationReport& implementation) const;
};

std::string to_json(const RunReport& report);
/// Parses report.json text strictly. On failure returns nullopt and sets `error` to one line.
std::optional<RunReport> parse_report(const std::string& text, std::string& error);
/// Reads DIR/report.json; a missing or corrupt file is a one-line error.
std::optional<RunReport> read_report(const std::string& directory, std::string& error);
/// Writes DIR/report.json atomically. On failure returns false and sets `error` to one line.
bool write_report(const RunReport& report, const std::string& directory, std::string& error);

}  // namespace lockstep::reports
