// report.json: rendering, strict parsing (merge reads shards back), atomic writing.
#include "reports/run_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <system_error>

#include "reports/atomic_file.h"

namespace lockstep::reports {

namespace {

using Json = nlohmann::ordered_json;

std::string hex64(std::uint64_t value) {
  return fmt::format("{:016x}", value);
}

// A 64-bit value: a decimal string from schema 3 on, a JSON number in schema 2.
Json wide(std::uint64_t value) {
  return std::to_string(value);
}

// Thrown inside parse_report only, and caught there: a field of the wrong shape.
struct ShapeError {
  std::string message;
};

const Json& field(const Json& object, const char* key, const std::string& where) {
  if (!object.is_object() || !object.contains(key)) {
    throw ShapeError{where + " has no \"" + key + "\""};
  }
  return object.at(key);
}

std::string text_field(const Json& object, const char* key, const std::string& where) {
  const Json& value = field(object, key, where);
  if (!value.is_string()) {
    throw ShapeError{where + "." + key + " is not a string"};
  }
  return value.get<std::string>();
}

std::uint64_t count_field(const Json& object, const char* key, const std::string& where) {
  const Json& value = field(object, key, where);
  if (!value.is_number_unsigned() &&
      !(value.is_number_integer() && value.get<std::int64_t>() >= 0)) {
    throw ShapeError{where + "." + key + " is not a non-negative integer"};
  }
  return value.get<std::uint64_t>();
}

// `numbers`: a schema 2 report, whose 64-bit values are JSON numbers.
std::uint64_t wide_field(const Json& object, const char* key, const std::string& where,
                         bool numbers) {
  if (numbers) {
    return count_field(object, key, where);
  }
  const std::string text = text_field(object, key, where);
  std::uint64_t value = 0;
  const bool digits = !text.empty() && text.size() <= 20 &&
                      text.find_first_not_of("0123456789") == std::string::npos &&
                      (text.size() == 1 || text.front() != '0');
  if (digits) {
    for (const char digit : text) {
      const std::uint64_t next = value * 10 + static_cast<std::uint64_t>(digit - '0');
      if (value > (UINT64_MAX - static_cast<std::uint64_t>(digit - '0')) / 10) {
        throw ShapeError{where + "." + key + " is above 2^64 - 1"};
      }
      value = next;
    }
    return value;
  }
  throw ShapeError{where + "." + key + " is not a decimal string"};
}

std::map<std::string, std::uint64_t> count_map_field(const Json& object, const char* key,
                                                     const std::string& where) {
  const Json& counts = field(object, key, where);
  if (!counts.is_object()) {
    throw ShapeError{where + "." + key + " is not an object"};
  }
  std::map<std::string, std::uint64_t> map;
  for (const auto& [name, count] : counts.items()) {
    map[name] = count_field(counts, name.c_str(), where + "." + key);
  }
  return map;
}

Json count_map_json(const std::map<std::string, std::uint64_t>& counts) {
  Json json = Json::object();
  for (const auto& [name, count] : counts) {
    json[name] = count;
  }
  return json;
}

bool flag_field(const Json& object, const char* key, const std::string& where) {
  const Json& value = field(object, key, where);
  if (!value.is_boolean()) {
    throw ShapeError{where + "." + key + " is not true or false"};
  }
  return value.get<bool>();
}

std::uint64_t hex_field(const Json& object, const char* key, const std::string& where) {
  const std::string text = text_field(object, key, where);
  std::uint64_t value = 0;
  if (text.size() != 16) {
    throw ShapeError{where + "." + key + " is not 16 hex digits"};
  }
  for (const char digit : text) {
    value <<= 4;
    if (digit >= '0' && digit <= '9') {
      value |= static_cast<std::uint64_t>(digit - '0');
    } else if (digit >= 'a' && digit <= 'f') {
      value |= static_cast<std::uint64_t>(digit - 'a' + 10);
    } else {
      throw ShapeError{where + "." + key + " is not 16 hex digits"};
    }
  }
  return value;
}

std::vector<std::string> text_list_field(const Json& object, const char* key,
                                         const std::string& where) {
  const Json& value = field(object, key, where);
  if (!value.is_array()) {
    throw ShapeError{where + "." + key + " is not a list"};
  }
  std::vector<std::string> list;
  for (const Json& item : value) {
    if (!item.is_string()) {
      throw ShapeError{where + "." + key + " holds a non-string"};
    }
    list.push_back(item.get<std::string>());
  }
  return list;
}

Json property_json(const PropertyRun& property) {
  Json json = {{"name", property.name},
               {"rules_checked", property.rules_checked},
               {"seed", wide(property.seed)},
               {"cases", property.cases},
               {"verdict", property.verdict}};
  if (property.failed()) {
    json["rules_broken"] = property.rules_broken;
    json["message"] = property.message;
    json["reproduce"] = property.reproduce;
    json["case_file"] = property.case_file;
  } else if (!property.message.empty()) {
    json["message"] = property.message;
  }
  return json;
}

PropertyRun parse_property(const Json& json, const std::string& where, bool numbers) {
  PropertyRun property;
  property.name = text_field(json, "name", where);
  property.rules_checked = text_list_field(json, "rules_checked", where);
  property.seed = wide_field(json, "seed", where, numbers);
  property.cases = count_field(json, "cases", where);
  property.verdict = text_field(json, "verdict", where);
  if (json.contains("rules_broken")) {
    property.rules_broken = text_list_field(json, "rules_broken", where);
  }
  if (json.contains("message")) {
    property.message = text_field(json, "message", where);
  }
  if (json.contains("reproduce")) {
    property.reproduce = text_field(json, "reproduce", where);
  }
  if (json.contains("case_file")) {
    property.case_file = text_field(json, "case_file", where);
  }
  return property;
}

Json failure_json(const Failure& failure) {
  Json json = {{"suite", failure.suite},
               {"rule", failure.rule},
               {"rules", failure.rules},
               {"seed", wide(failure.schedule_seed)},
               {"schedule", wide(failure.schedule_index)},
               {"explanation", failure.explanation},
               {"fault_plan", failure.fault_plan},
               {"trace_hash", hex64(failure.trace_hash)},
               {"decisions", failure.decisions},
               {"replay_file", failure.replay_file},
               {"replay", failure.reproduce}};
  if (!failure.reproduced) {
    json["reproduced"] = false;
  }
  if (!failure.output_file.empty()) {
    json["output_file"] = failure.output_file;
  }
  if (!failure.reproduce_token.empty()) {
    json["reproduce"] = failure.reproduce_token;
  }
  if (failure.shrunk()) {
    json["shrunk_decisions"] = failure.shrunk_decisions;
    json["shrunk_trace_hash"] = hex64(failure.shrunk_trace_hash);
    json["shrunk_explanation"] = failure.shrunk_explanation;
    json["shrink_probes"] = failure.shrink_probes;
    json["shrunk_replay_file"] = failure.shrunk_replay_file;
    json["shrunk_replay"] = failure.shrunk_reproduce;
  }
  return json;
}

Failure parse_failure(const Json& json, const std::string& where, bool numbers) {
  Failure failure;
  failure.suite = text_field(json, "suite", where);
  failure.rule = text_field(json, "rule", where);
  failure.rules = text_list_field(json, "rules", where);
  failure.schedule_seed = wide_field(json, "seed", where, numbers);
  failure.schedule_index = wide_field(json, "schedule", where, numbers);
  failure.explanation = text_field(json, "explanation", where);
  failure.fault_plan = text_field(json, "fault_plan", where);
  failure.trace_hash = hex_field(json, "trace_hash", where);
  failure.decisions = count_field(json, "decisions", where);
  failure.replay_file = text_field(json, "replay_file", where);
  failure.reproduce = text_field(json, "replay", where);
  if (json.contains("reproduced")) {
    failure.reproduced = flag_field(json, "reproduced", where);
  }
  if (json.contains("output_file")) {
    failure.output_file = text_field(json, "output_file", where);
  }
  if (json.contains("reproduce")) {
    failure.reproduce_token = text_field(json, "reproduce", where);
  }
  if (json.contains("shrunk_replay_file")) {
    failure.shrunk_replay_file = text_field(json, "shrunk_replay_file", where);
    failure.shrunk_reproduce = text_field(json, "shrunk_replay", where);
    failure.shrunk_decisions = count_field(json, "shrunk_decisions", where);
    failure.shrunk_trace_hash = hex_field(json, "shrunk_trace_hash", where);
    failure.shrunk_explanation = text_field(json, "shrunk_explanation", where);
    failure.shrink_probes = count_field(json, "shrink_probes", where);
    if (failure.shrunk_replay_file.empty()) {
      throw ShapeError{where + ".shrunk_replay_file is empty"};
    }
  }
  return failure;
}

ImplementationReport parse_implementation(const Json& json, const std::string& where,
                                          bool numbers) {
  ImplementationReport implementation;
  implementation.name = text_field(json, "name", where);
  implementation.kind = text_field(json, "kind", where);
  if (json.contains("breaks")) {
    implementation.expected_rule = text_field(json, "breaks", where);
  }
  if (json.contains("library")) {
    const Json& library = json.at("library");
    implementation.library = LibraryIdentity{text_field(library, "path", where + ".library"),
                                             text_field(library, "sha256", where + ".library"),
                                             text_field(library, "version", where + ".library")};
  }
  if (json.contains("expected")) {
    const std::optional<Expectation> expectation =
        expectation_from_name(text_field(json, "expected", where));
    if (!expectation) {
      throw ShapeError{where + ".expected is not none, pass, caught or not-judged"};
    }
    implementation.expectation = *expectation;
  } else if (implementation.kind == "reference" || implementation.kind == "independent") {
    implementation.expectation = Expectation::pass;  // schema 2: what the kind implies
  } else if (implementation.kind == "mutant") {
    implementation.expectation = Expectation::caught;
  }
  const Json& suites = field(json, "suites", where);
  if (!suites.is_array()) {
    throw ShapeError{where + ".suites is not a list"};
  }
  for (const Json& suite : suites) {
    SuiteRun run{text_field(suite, "name", where + ".suites"),
                 count_field(suite, "schedules", where + ".suites")};
    if (suite.contains("schedules_without_subject")) {
      run.schedules_without_subject =
          count_field(suite, "schedules_without_subject", where + ".suites");
      if (run.schedules_without_subject > run.schedules) {
        throw ShapeError{where + ".suites: schedules_without_subject is more than schedules"};
      }
    }
    if (suite.contains("probes")) {
      const Json& probes = field(suite, "probes", where + ".suites");
      if (!probes.is_object()) {
        throw ShapeError{where + ".suites.probes is not an object"};
      }
      for (const auto& [probe, count] : probes.items()) {
        run.probes[probe] = count_field(probes, probe.c_str(), where + ".suites.probes");
      }
    }
    if (suite.contains("failed_schedules")) {
      run.failed_schedules = count_field(suite, "failed_schedules", where + ".suites");
      run.violations_by_rule = count_map_field(suite, "violations_by_rule", where + ".suites");
      if (run.failed_schedules > run.schedules) {
        throw ShapeError{where + ".suites: failed_schedules (" +
                         std::to_string(run.failed_schedules) + ") is more than its schedules (" +
                         std::to_string(run.schedules) + ")"};
      }
    }
    implementation.suites.push_back(std::move(run));
  }
  implementation.rules_checked = text_list_field(json, "rules_checked", where);
  implementation.schedules = count_field(json, "schedules", where);
  implementation.failed_schedules = count_field(json, "failed_schedules", where);
  implementation.digest = hex_field(json, "digest", where);
  if (implementation.failed_schedules > implementation.schedules) {
    throw ShapeError{where + ".failed_schedules (" +
                     std::to_string(implementation.failed_schedules) + ") is more than its " +
                     "schedules (" + std::to_string(implementation.schedules) + ")"};
  }
  std::uint64_t suite_schedules = 0;
  for (const SuiteRun& suite : implementation.suites) {
    suite_schedules += suite.schedules;
  }
  if (suite_schedules != implementation.schedules) {
    throw ShapeError{where + ".schedules (" + std::to_string(implementation.schedules) +
                     ") is not the sum of its suites' (" + std::to_string(suite_schedules) + ")"};
  }
  if (json.contains("schedules_not_run")) {
    implementation.schedules_not_run = count_field(json, "schedules_not_run", where);
  }
  if (json.contains("stopped_after_hangs")) {
    implementation.stopped_after_hangs = count_field(json, "stopped_after_hangs", where);
  }
  if (json.contains("provides_no_part")) {
    implementation.provides_no_part = flag_field(json, "provides_no_part", where);
  }
  if (json.contains("schedules_to_first_failure")) {
    const std::uint64_t ordinal = count_field(json, "schedules_to_first_failure", where);
    if (ordinal == 0) {
      throw ShapeError{where + ".schedules_to_first_failure is 0"};
    }
    implementation.first_failure_index = ordinal - 1;
  }
  implementation.violations_by_rule = count_map_field(json, "violations_by_rule", where);
  if (json.contains("failed_schedules_by_rule")) {
    implementation.failed_schedules_by_rule =
        count_map_field(json, "failed_schedules_by_rule", where);
  }
  const Json& failures = field(json, "failures", where);
  if (!failures.is_array()) {
    throw ShapeError{where + ".failures is not a list"};
  }
  for (std::size_t position = 0; position < failures.size(); ++position) {
    implementation.failures.push_back(parse_failure(
        failures[position], where + ".failures[" + std::to_string(position) + "]", numbers));
  }
  if (json.contains("properties")) {
    const Json& properties = field(json, "properties", where);
    if (!properties.is_array()) {
      throw ShapeError{where + ".properties is not a list"};
    }
    for (std::size_t position = 0; position < properties.size(); ++position) {
      implementation.properties.push_back(parse_property(
          properties[position], where + ".properties[" + std::to_string(position) + "]", numbers));
    }
  }
  return implementation;
}

RunReport parse_root(const Json& root) {
  const std::string where = "report";
  if (!root.is_object()) {
    throw ShapeError{"the report is not a JSON object"};
  }
  if (text_field(root, "tool", where) != "lockstep") {
    throw ShapeError{"the report was not written by lockstep"};
  }
  const std::uint64_t schema = count_field(root, "schema", where);
  if (schema > static_cast<std::uint64_t>(kReportSchemaVersion) ||
      schema < static_cast<std::uint64_t>(kOldestReadableReportSchema)) {
    throw ShapeError{
        "report schema " + std::to_string(schema) + " is " +
        (schema > static_cast<std::uint64_t>(kReportSchemaVersion) ? "newer" : "older") +
        " than this lockstep reads (" + std::to_string(kOldestReadableReportSchema) + " to " +
        std::to_string(kReportSchemaVersion) + ")"};
  }
  const bool numbers = schema == 2;
  RunReport report;
  if (root.contains("lockstep")) {
    report.lockstep_version = text_field(root.at("lockstep"), "version", where + ".lockstep");
    report.build = text_field(root.at("lockstep"), "build", where + ".lockstep");
  }
  report.seed = wide_field(root, "seed", where, numbers);
  report.strategy = text_field(root, "strategy", where);
  const Json& budget = field(root, "budget", where);
  if (budget.contains("runs")) {
    report.runs = count_field(budget, "runs", where + ".budget");
  } else if (budget.contains("time_seconds")) {
    report.time_seconds = count_field(budget, "time_seconds", where + ".budget");
  } else {
    report.only_schedule = wide_field(budget, "schedule", where + ".budget", numbers);
  }
  if (root.contains("rule_filter")) {
    report.rule_filter = text_field(root, "rule_filter", where);
  }
  if (root.contains("max_failures")) {
    report.max_failures = count_field(root, "max_failures", where);
    report.stopped_at_max_failures = flag_field(root, "stopped_at_max_failures", where);
  }
  if (root.contains("verdict_policy")) {
    report.verdict_policy = text_field(root, "verdict_policy", where);
    if (report.verdict_policy != "self-check" && report.verdict_policy != "plain") {
      throw ShapeError{"report.verdict_policy is not self-check or plain"};
    }
  } else {
    report.verdict_policy = "plain";  // schema 2 reports knew only the plain verdict
  }
  if (root.contains("reruns")) {
    const Json& reruns = root.at("reruns");
    if (!reruns.is_array()) {
      throw ShapeError{"report.reruns is not a list"};
    }
    for (const Json& rerun : reruns) {
      report.reruns.push_back(Rerun{text_field(rerun, "implementation", where + ".reruns"),
                                    text_field(rerun, "file", where + ".reruns"),
                                    text_field(rerun, "rule", where + ".reruns"),
                                    text_field(rerun, "result", where + ".reruns"),
                                    text_field(rerun, "explanation", where + ".reruns"),
                                    flag_field(rerun, "expected", where + ".reruns")});
    }
  }
  const Json& shard = field(root, "shard", where);
  report.shard_count = count_field(shard, "count", where + ".shard");
  report.shards.clear();
  const Json& covered = field(shard, "covered", where + ".shard");
  if (!covered.is_array() || covered.empty()) {
    throw ShapeError{"report.shard.covered is not a non-empty list"};
  }
  for (const Json& index : covered) {
    if (!index.is_number_unsigned() || index.get<std::uint64_t>() < 1 ||
        index.get<std::uint64_t>() > report.shard_count) {
      throw ShapeError{"report.shard.covered holds an index outside 1.." +
                       std::to_string(report.shard_count)};
    }
    report.shards.push_back(index.get<std::uint64_t>());
  }
  report.interrupted = flag_field(root, "interrupted", where);
  report.failures_kept = count_field(root, "failures_kept", where);
  if (root.contains("shrink_runs")) {
    report.shrink_runs = count_field(root, "shrink_runs", where);
  }
  report.run_digest = hex_field(root, "run_digest", where);
  const Json& implementations = field(root, "implementations", where);
  if (!implementations.is_array()) {
    throw ShapeError{"report.implementations is not a list"};
  }
  for (std::size_t position = 0; position < implementations.size(); ++position) {
    report.implementations.push_back(parse_implementation(
        implementations[position], "implementations[" + std::to_string(position) + "]", numbers));
  }
  return report;
}

}  // namespace

void Failure::forget_shrink() {
  shrunk_replay_file.clear();
  shrunk_reproduce.clear();
  shrunk_decisions = 0;
  shrunk_trace_hash = 0;
  shrunk_explanation.clear();
  shrink_probes = 0;
}

std::string Failure::file_stem(const std::string& implementation) const {
  return implementation + "--" + suite + "--" + std::to_string(schedule_index);
}

std::string Failure::stem_of(const std::string& replay_file) {
  std::string stem = std::filesystem::path(replay_file).filename().string();
  if (stem.ends_with(".replay")) {
    stem.resize(stem.size() - 7);
  }
  return stem;
}

std::vector<std::string> SuiteRun::unreached_probes() const {
  std::vector<std::string> unreached;
  for (const auto& [probe, count] : probes) {
    if (count == 0) {
      unreached.push_back(probe);
    }
  }
  return unreached;
}

std::vector<std::string> ImplementationReport::unreached_probes() const {
  std::vector<std::string> unreached;
  for (const SuiteRun& suite : suites) {
    for (const std::string& probe : suite.unreached_probes()) {
      unreached.push_back(suite.name + ": " + probe);
    }
  }
  return unreached;
}

std::string lockstep_version() {
  return LOCKSTEP_VERSION;
}

std::string expectation_name(Expectation expectation) {
  switch (expectation) {
    case Expectation::none:
      return "none";
    case Expectation::pass:
      return "pass";
    case Expectation::caught:
      return "caught";
    case Expectation::not_judged:
      return "not-judged";
  }
  return "none";
}

std::optional<Expectation> expectation_from_name(const std::string& name) {
  for (const Expectation expectation :
       {Expectation::none, Expectation::pass, Expectation::caught, Expectation::not_judged}) {
    if (expectation_name(expectation) == name) {
      return expectation;
    }
  }
  return std::nullopt;
}

std::string ImplementationReport::outcome() const {
  switch (expectation) {
    case Expectation::caught:
      if (caught_as_declared()) {
        return "expected-fail";
      }
      if (schedules_not_run > 0) {
        return "incomplete";  // cut short before it was caught: not an escape
      }
      return passed() ? "escaped" : "caught-on-other-rule";
    case Expectation::not_judged:
      return "not-judged";
    case Expectation::none:
    case Expectation::pass:
      break;
  }
  return verdict();
}

bool ImplementationReport::expectation_held() const {
  const std::string judged = outcome();
  return judged == "pass" || judged == "expected-fail" || judged == "not-judged" ||
         judged == "not-applicable";
}
std::string ImplementationReport::file_name() const {
  std::string safe = name;
  for (char& character : safe) {
    const bool kept = (character >= 'a' && character <= 'z') ||
                      (character >= 'A' && character <= 'Z') ||
                      (character >= '0' && character <= '9') || character == '-' ||
                      character == '_' || character == '.';
    if (!kept) {
      character = '_';
    }
  }
  return safe.empty() || safe.front() == '.' ? "_" + safe : safe;
}

std::string ImplementationReport::verdict() const {
  if (!passed()) {
    return "fail";
  }
  if (schedules_not_run > 0) {
    return "incomplete";
  }
  if (provides_no_part || !suites_not_exercised().empty()) {
    return "not-exercised";
  }
  if (schedules == 0) {
    return "not-applicable";
  }
  return "pass";
}

std::vector<std::string> ImplementationReport::suites_not_exercised() const {
  std::vector<std::string> names;
  for (const SuiteRun& suite : suites) {
    if (!suite.exercised()) {
      names.push_back(suite.name);
    }
  }
  return names;
}

std::vector<std::string> ImplementationReport::rules_reported() const {
  std::vector<std::string> rules = rules_checked;
  for (const auto& [rule, count] : violations_by_rule) {
    if (std::find(rules.begin(), rules.end(), rule) == rules.end()) {
      rules.push_back(rule);
    }
  }
  return rules;
}

std::vector<const Failure*> ImplementationReport::failures_on(const std::string& rule) const {
  std::vector<const Failure*> found;
  for (const Failure& failure : failures) {
    if (std::find(failure.rules.begin(), failure.rules.end(), rule) != failure.rules.end()) {
      found.push_back(&failure);
    }
  }
  return found;
}

namespace {

// A run's verdict from its implementations' verdicts (plain) or outcomes (self-check).
std::string fold_verdicts(const std::vector<std::string>& verdicts, bool interrupted,
                          bool rerun_failed, std::uint64_t schedules) {
  bool failed = rerun_failed;
  bool incomplete = interrupted;
  bool not_exercised = schedules == 0;
  for (const std::string& verdict : verdicts) {
    failed =
        failed || verdict == "fail" || verdict == "escaped" || verdict == "caught-on-other-rule";
    incomplete = incomplete || verdict == "incomplete";
    not_exercised = not_exercised || verdict == "not-exercised";
  }
  if (failed) {
    return "fail";
  }
  if (incomplete) {
    return "incomplete";
  }
  return not_exercised ? "not-exercised" : "pass";
}

}  // namespace

std::string RunReport::verdict() const {
  std::vector<std::string> verdicts;
  std::uint64_t schedules = 0;
  for (const ImplementationReport& implementation : implementations) {
    verdicts.push_back(implementation.verdict());
    schedules += implementation.schedules;
  }
  const bool rerun_failed = std::any_of(reruns.begin(), reruns.end(), [](const Rerun& rerun) {
    return rerun.result == "still-fails";
  });
  return fold_verdicts(verdicts, interrupted, rerun_failed, schedules);
}

std::string RunReport::self_check_verdict() const {
  std::vector<std::string> outcomes;
  std::uint64_t schedules = 0;
  for (const ImplementationReport& implementation : implementations) {
    outcomes.push_back(implementation.outcome());
    schedules += implementation.schedules;
  }
  const bool rerun_failed = std::any_of(reruns.begin(), reruns.end(), [](const Rerun& rerun) {
    return rerun.result == "still-fails" && !rerun.expected;
  });
  return fold_verdicts(outcomes, interrupted, rerun_failed, schedules);
}

std::string RunReport::final_verdict() const {
  return verdict_policy == "plain" ? verdict() : self_check_verdict();
}

bool RunReport::all_passed() const {
  return verdict() == "pass";
}

bool RunReport::expectations_held() const {
  for (const ImplementationReport& implementation : implementations) {
    if (!implementation.expectation_held()) {
      return false;
    }
  }
  for (const Rerun& rerun : reruns) {
    if (rerun.result == "still-fails" && !rerun.expected) {
      return false;
    }
  }
  return true;
}

bool RunReport::failures_expected(const ImplementationReport& implementation) const {
  const std::string outcome = implementation.outcome();
  return verdict_policy == "self-check" &&
         (implementation.expectation == Expectation::caught ||
          implementation.expectation == Expectation::not_judged) &&
         outcome != "escaped" && outcome != "caught-on-other-rule";
}

bool RunReport::verdict_passed() const {
  return final_verdict() == "pass";
}

std::string to_json(const RunReport& report) {
  Json root;
  root["schema"] = kReportSchemaVersion;
  root["tool"] = "lockstep";
  root["lockstep"] = {{"version", report.lockstep_version}, {"build", report.build}};
  root["seed"] = wide(report.seed);
  root["strategy"] = report.strategy;
  Json budget = Json::object();
  if (report.runs) {
    budget["runs"] = *report.runs;
  } else if (report.time_seconds) {
    budget["time_seconds"] = *report.time_seconds;
  } else {
    budget["schedule"] = wide(report.only_schedule.value_or(0));
  }
  root["budget"] = budget;
  root["rule_filter"] = report.rule_filter;
  root["max_failures"] = report.max_failures;
  root["stopped_at_max_failures"] = report.stopped_at_max_failures;
  root["shard"] = {{"covered", report.shards}, {"count", report.shard_count}};
  root["interrupted"] = report.interrupted;
  root["failures_kept"] = report.failures_kept;
  root["shrink_runs"] = report.shrink_runs;
  root["run_digest"] = hex64(report.run_digest);
  root["verdict"] = report.verdict();
  root["self_check_verdict"] = report.self_check_verdict();
  root["verdict_policy"] = report.verdict_policy;
  root["expectations_held"] = report.expectations_held();
  Json reruns = Json::array();
  for (const Rerun& rerun : report.reruns) {
    reruns.push_back({{"implementation", rerun.implementation},
                      {"file", rerun.file},
                      {"rule", rerun.rule},
                      {"result", rerun.result},
                      {"explanation", rerun.explanation},
                      {"expected", rerun.expected}});
  }
  root["reruns"] = reruns;
  Json implementations = Json::array();
  for (const ImplementationReport& implementation : report.implementations) {
    Json entry;
    entry["name"] = implementation.name;
    entry["kind"] = implementation.kind;
    if (!implementation.expected_rule.empty()) {
      entry["breaks"] = implementation.expected_rule;
    }
    if (implementation.library) {
      entry["library"] = {{"path", implementation.library->path},
                          {"sha256", implementation.library->sha256},
                          {"version", implementation.library->version}};
    }
    entry["expected"] = expectation_name(implementation.expectation);
    Json suites = Json::array();
    for (const SuiteRun& suite : implementation.suites) {
      Json entry_suite = {{"name", suite.name},
                          {"schedules", suite.schedules},
                          {"failed_schedules", suite.failed_schedules},
                          {"violations_by_rule", count_map_json(suite.violations_by_rule)}};
      if (suite.schedules_without_subject > 0) {
        entry_suite["schedules_without_subject"] = suite.schedules_without_subject;
      }
      if (!suite.probes.empty()) {
        entry_suite["probes"] = count_map_json(suite.probes);
      }
      suites.push_back(entry_suite);
    }
    entry["suites"] = suites;
    entry["rules_checked"] = implementation.rules_checked;
    entry["schedules"] = implementation.schedules;
    entry["failed_schedules"] = implementation.failed_schedules;
    entry["verdict"] = implementation.verdict();
    entry["outcome"] = implementation.outcome();
    entry["expectation_held"] = implementation.expectation_held();
    if (implementation.schedules_not_run > 0 || implementation.stopped_after_hangs > 0) {
      entry["schedules_not_run"] = implementation.schedules_not_run;
    }
    if (implementation.stopped_after_hangs > 0) {
      entry["stopped_after_hangs"] = implementation.stopped_after_hangs;
    }
    if (implementation.provides_no_part) {
      entry["provides_no_part"] = true;
    }
    if (!implementation.expected_rule.empty()) {
      entry["caught_as_declared"] = implementation.caught_as_declared();
    }
    entry["digest"] = hex64(implementation.digest);
    if (implementation.first_failure_index) {
      entry["schedules_to_first_failure"] = *implementation.first_failure_index + 1;
    }
    entry["violations_by_rule"] = count_map_json(implementation.violations_by_rule);
    entry["failed_schedules_by_rule"] = count_map_json(implementation.failed_schedules_by_rule);
    Json failures = Json::array();
    for (const Failure& failure : implementation.failures) {
      failures.push_back(failure_json(failure));
    }
    entry["failures"] = failures;
    if (!implementation.properties.empty()) {
      Json properties = Json::array();
      for (const PropertyRun& property : implementation.properties) {
        properties.push_back(property_json(property));
      }
      entry["properties"] = properties;
    }
    implementations.push_back(entry);
  }
  root["implementations"] = implementations;
  return root.dump(2) + "\n";
}

std::optional<RunReport> parse_report(const std::string& text, std::string& error) {
  const Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    error = text.empty() ? "the report is empty" : "the report is not valid JSON";
    return std::nullopt;
  }
  try {
    return parse_root(root);
  } catch (const ShapeError& shape) {
    error = shape.message;
  } catch (const nlohmann::json::exception& exception) {
    error = std::string("the report has a malformed field: ") + exception.what();
  }
  return std::nullopt;
}

std::optional<RunReport> read_report(const std::string& directory, std::string& error) {
  const std::filesystem::path path = std::filesystem::path(directory) / "report.json";
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    error = "cannot read '" + path.string() + "'";
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << stream.rdbuf();
  std::optional<RunReport> report = parse_report(buffer.str(), error);
  if (!report) {
    error = path.string() + ": " + error;
  }
  return report;
}

bool write_report(const RunReport& report, const std::string& directory, std::string& error) {
  std::error_code status;
  std::filesystem::create_directories(directory, status);
  if (status) {
    error = "cannot create report directory '" + directory + "': " + status.message();
    return false;
  }
  return write_file_atomically((std::filesystem::path(directory) / "report.json").string(),
                               to_json(report), error);
}

}  // namespace lockstep::reports
