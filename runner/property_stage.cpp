// Property checks as worker-process tasks: one task per (implementation, property).
#include "runner/property_stage.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>

#include "conformance/properties/property_checks.h"
#include "runner/isolated_schedule.h"
#include "runner/message_fields.h"
#include "runner/process_pool.h"
#include "runner/suite_rules.h"
#include "scheduler/hash.h"

namespace lockstep::runner {

namespace {

namespace properties = conformance::properties;

constexpr std::uint64_t kPropertySalt = 0x70726f7065727479ull;  // "property"
// A property check runs many cases and their shrinking: it may take many schedules' time.
constexpr std::uint64_t kPropertyTimeoutFactor = 20;

struct PropertyTask {
  std::size_t implementation = 0;  ///< position in RunOptions::implementations
  std::size_t property = 0;        ///< position in runnable_properties()
  std::string focus_rule;
};

std::string encode_request(const PropertyTask& task, std::uint64_t seed, std::uint64_t cases) {
  return FieldWriter()
      .add(static_cast<std::uint64_t>(task.implementation))
      .add(static_cast<std::uint64_t>(task.property))
      .add(seed)
      .add(cases)
      .add(std::string_view(task.focus_rule))
      .take();
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    text += (text.empty() ? "" : " ") + word;
  }
  return text;
}

std::vector<std::string> split(std::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    words.emplace_back(text.substr(0, space));
    text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
  }
  return words;
}

// In the worker: run the check and answer with its verdict.
std::string serve_property_request(
    const std::vector<const conformance::Implementation*>& implementations,
    std::string_view request) {
  FieldReader reader(request);
  const std::uint64_t implementation = reader.number();
  const std::uint64_t property = reader.number();
  const std::uint64_t seed = reader.number();
  const std::uint64_t cases = reader.number();
  const std::string focus_rule(reader.text());
  if (!reader.ok() || implementation >= implementations.size() ||
      property >= properties::runnable_properties().size() ||
      implementations[implementation]->table == nullptr) {
    throw std::runtime_error("unreadable property request");
  }
  const properties::PropertyVerdict verdict = properties::check_runnable_property(
      *implementations[implementation]->table, static_cast<std::size_t>(property), seed,
      static_cast<int>(std::min<std::uint64_t>(cases, 1'000'000)), focus_rule);
  return FieldWriter()
      .add(verdict.failed)
      .add(verdict.gave_up)
      .add(verdict.cases)
      .add(std::string_view(verdict.message))
      .add(std::string_view(verdict.reproduce))
      .add(std::string_view(verdict.shrunk_case))
      .add(std::string_view(join(verdict.rules_broken)))
      .take();
}

class PropertyWork final : public PoolWork {
 public:
  PropertyWork(const RunOptions& options, std::vector<PropertyTask> tasks,
               std::vector<reports::PropertyRun>& runs)
      : options_(options), tasks_(std::move(tasks)), runs_(runs) {}

  std::optional<std::uint64_t> next_task() override {
    if (next_ == tasks_.size()) {
      return std::nullopt;
    }
    return next_++;
  }
  std::string request_of(std::uint64_t task) override {
    const PropertyTask& entry = tasks_[task];
    return encode_request(entry, property_seed(options_.seed, entry.property),
                          options_.property_cases);
  }
  bool task_ended(std::uint64_t task, const TaskEnd& end) override {
    reports::PropertyRun& run = runs_[task];
    if (end.outcome.kind != harness::IsolatedOutcomeKind::completed) {
      run.verdict = isolation_rule_of(end.outcome);
      run.rules_broken = {run.verdict};
      run.message = isolation_explanation(end.outcome);
      return true;
    }
    FieldReader reader(end.outcome.result);
    const bool failed = reader.flag();
    const bool gave_up = reader.flag();
    run.cases = reader.number();
    run.message = std::string(reader.text());
    run.reproduce = std::string(reader.text());
    shrunk_cases_[task] = std::string(reader.text());
    run.rules_broken = split(reader.text());
    run.verdict = failed ? "failed" : gave_up ? "gave-up" : "held";
    return reader.ok();
  }
  void task_not_run(std::uint64_t task) override { runs_[task].verdict = "not-run"; }

  const std::map<std::uint64_t, std::string>& shrunk_cases() const { return shrunk_cases_; }

 private:
  const RunOptions& options_;
  std::vector<PropertyTask> tasks_;
  std::vector<reports::PropertyRun>& runs_;
  std::size_t next_ = 0;
  std::map<std::uint64_t, std::string> shrunk_cases_;
};

// For a mutant whose defect is in the property's part, the rule it declares.
std::string focus_rule_of(const conformance::Implementation& implementation,
                          const properties::RunnableProperty& property) {
  if (implementation.kind != "mutant" || implementation.defective_part != property.part) {
    return {};
  }
  const bool covered = std::find(property.rules.begin(), property.rules.end(),
                                 implementation.breaks) != property.rules.end();
  return covered ? implementation.breaks : std::string();
}

bool write_case_file(const std::string& directory, const std::string& relative,
                     const std::string& shrunk_case, const std::string& reproduce,
                     std::string& error) {
  const std::filesystem::path path = std::filesystem::path(directory) / relative;
  std::error_code ignored;
  std::filesystem::create_directories(path.parent_path(), ignored);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << shrunk_case << "rapidcheck-reproduce: RC_PARAMS=\"" << reproduce << "\"\n";
  if (!file) {
    error = "cannot write " + path.string();
    return false;
  }
  return true;
}

}  // namespace

std::uint64_t property_seed(std::uint64_t run_seed, std::size_t property) {
  return hash_mix(hash_mix(hash_mix(kHashSeed, kPropertySalt), run_seed), property);
}

bool check_properties(const RunOptions& options, reports::RunReport& report, std::string& error) {
  if (options.property_cases == 0 || options.only_schedule || options.shard_index != 1) {
    return true;
  }
  const std::vector<properties::RunnableProperty>& all = properties::runnable_properties();
  std::vector<PropertyTask> tasks;
  std::vector<reports::PropertyRun> runs;
  for (std::size_t position = 0; position < options.implementations.size(); ++position) {
    const conformance::Implementation& implementation = *options.implementations[position];
    if (implementation.table == nullptr) {
      continue;
    }
    for (const std::size_t property : properties::properties_for(*implementation.table)) {
      const bool suite_selected =
          options.suites.empty() || std::find(options.suites.begin(), options.suites.end(),
                                              all[property].suite) != options.suites.end();
      const bool selected =
          suite_selected && (options.rule_filter.empty() ||
                             !rules_selected(all[property].rules, options.rule_filter).empty());
      if (!selected) {
        continue;
      }
      tasks.push_back(PropertyTask{position, property, focus_rule_of(implementation, all[property])});
      reports::PropertyRun run;
      run.name = all[property].name;
      run.rules_checked = all[property].rules;
      run.seed = property_seed(options.seed, property);
      runs.push_back(std::move(run));
    }
  }
  if (tasks.empty()) {
    return true;
  }
  ProcessPoolSettings settings;
  settings.processes = static_cast<unsigned>(
      std::max<std::size_t>(1, std::min<std::size_t>(std::max(1u, options.jobs), tasks.size())));
  settings.task_timeout_ms =
      kPropertyTimeoutFactor * schedule_timeout_ms(options.schedule_timeout_ms);
  settings.limits = schedule_worker_limits();
  settings.tasks_in_flight_per_process = 1;
  const std::vector<const conformance::Implementation*>& implementations = options.implementations;
  const harness::WorkerHandler handler = [&implementations](std::string_view request) {
    return serve_property_request(implementations, request);
  };
  const std::vector<PropertyTask> task_list = tasks;
  PropertyWork work(options, std::move(tasks), runs);
  if (!run_process_pool(options.worker_setup, handler, settings, work, [] {}, error)) {
    return false;
  }
  std::map<std::string, std::uint64_t> written_per_implementation;
  for (std::size_t task = 0; task < task_list.size(); ++task) {
    reports::PropertyRun& run = runs[task];
    reports::ImplementationReport& entry = report.implementations.at(task_list[task].implementation);
    const auto shrunk = work.shrunk_cases().find(task);
    if (run.verdict == "failed" && shrunk != work.shrunk_cases().end() &&
        !options.report_directory.empty()) {
      const std::uint64_t number = ++written_per_implementation[entry.name];
      run.case_file = "failures/" + entry.file_name() + "--property--" + std::to_string(number) +
                      ".txt";
      if (!write_case_file(options.report_directory, run.case_file, shrunk->second, run.reproduce,
                           error)) {
        return false;
      }
    }
    entry.properties.push_back(std::move(run));
  }
  return true;
}

}  // namespace lockstep::runner
