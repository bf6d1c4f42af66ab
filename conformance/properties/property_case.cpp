// Recording, describing and writing out the cases of stateful properties.
#include "conformance/properties/property_case.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace lockstep::conformance::properties {

namespace {

constexpr std::uint64_t kPctEstimatedSteps = 4'000;

// LOCKSTEP_PROPERTY_STRATEGY: unset or "mixed" alternates by seed; "random" or "pct[:D]"
// runs every schedule of every property with that strategy. Read once: one process, one
// setting, so every case of a run (and its shrinking) uses the same.
struct PropertyStrategySetting {
  bool mixed = true;
  StrategySpec spec;
};

const PropertyStrategySetting& property_strategy_setting() {
  static const PropertyStrategySetting setting = [] {
    PropertyStrategySetting parsed;
    const char* text = std::getenv("LOCKSTEP_PROPERTY_STRATEGY");
    if (text == nullptr || *text == '\0' || std::string_view(text) == "mixed") {
      return parsed;
    }
    std::string error;
    const std::optional<StrategySpec> spec = parse_strategy_spec(text, error);
    if (!spec) {
      throw std::invalid_argument("LOCKSTEP_PROPERTY_STRATEGY: " + error);
    }
    parsed.mixed = false;
    parsed.spec = *spec;
    return parsed;
  }();
  return setting;
}

StrategySpec strategy_spec_for_seed(std::uint64_t schedule_seed) {
  const PropertyStrategySetting& setting = property_strategy_setting();
  if (!setting.mixed) {
    return setting.spec;
  }
  StrategySpec spec;
  if (schedule_seed % 2 != 0) {
    spec.kind = StrategySpec::Kind::pct;
    spec.pct_depth = 3;
  }
  return spec;
}

}  // namespace

std::unique_ptr<Strategy> strategy_for_seed(std::uint64_t schedule_seed) {
  return make_strategy(strategy_spec_for_seed(schedule_seed), schedule_seed, kPctEstimatedSteps);
}

std::string strategy_name_for_seed(std::uint64_t schedule_seed) {
  return strategy_spec_for_seed(schedule_seed).to_text();
}

harness::FaultPlan property_fault_plan(std::uint64_t schedule_seed) {
  harness::FaultPlan plan = harness::FaultPlan::draw(schedule_seed);
  plan.drop_per_mille = 0;
  plan.refuse_per_mille = 0;
  plan.shutdown_per_mille = 0;
  plan.abort_per_mille = 0;
  return plan;
}

std::string PropertyCase::violations_text() const {
  std::string text;
  for (const harness::Violation& violation : outcome.world.violations) {
    text +=
        "  " + violation.rule + ": " + violation.explanation + " (" + violation.to_text() + ")\n";
  }
  if (!claim_broken.empty()) {
    text += "  claim: " + claim_broken + "\n";
  }
  const Outcome end = outcome.world.run.outcome;
  if (end != Outcome::completed && end != Outcome::stopped) {
    text += "  schedule ended " + std::string(outcome_name(end)) + ": " +
            outcome.world.run.message + "\n";
  }
  return text;
}

bool PropertyCase::names_rule(const std::string& rule) const {
  for (const harness::Violation& violation : outcome.world.violations) {
    if (violation.rule == rule) {
      return true;
    }
  }
  return false;
}

std::string PropertyCase::to_replay_text() const {
  std::string text;
  text += "property: " + property + "\n";
  text += "implementation: " + implementation + "\n";
  text += "seed: " + std::to_string(schedule_seed) + "\n";
  text += "strategy: " + strategy_name_for_seed(schedule_seed) + "\n";
  text += "fault-plan: " + property_fault_plan(schedule_seed).to_text() + "\n";
  text += "trace-hash: " + std::to_string(outcome.world.run.trace_hash) + "\n";
  if (!settings.empty()) {
    text += "settings: " + settings + "\n";
  }
  text += "commands: " + std::to_string(commands.size()) + "\n";
  for (const std::string& command : commands) {
    text += "  " + command + "\n";
  }
  text += "violations:\n" + violations_text();
  text += "decisions: " + std::to_string(outcome.decisions.size()) + "\n";
  text += outcome.decisions.to_text() + "\n";
  return text;
}

bool PropertyCase::broke_only_accepted_rules() const {
  const Outcome end = outcome.world.run.outcome;
  if (outcome.world.violations.empty() || (end != Outcome::completed && end != Outcome::stopped)) {
    return false;
  }
  for (const harness::Violation& violation : outcome.world.violations) {
    if (std::find(accepted_rules.begin(), accepted_rules.end(), violation.rule) ==
        accepted_rules.end()) {
      return false;
    }
  }
  return true;
}

void CaseRecorder::record(const PropertyCase& run) {
  ++runs_;
  if (run.failed()) {
    last_failure_ = run;
  } else if (run.focus_rule.empty() && run.broke_only_accepted_rules()) {
    ++accepted_runs_;
  }
}

std::string write_failure_file(const PropertyCase& failure, const std::string& file_stem,
                               const std::string& reproduce) {
  const char* chosen = std::getenv("LOCKSTEP_PROPERTY_FAILURES");
  const std::filesystem::path directory =
      chosen != nullptr && *chosen != '\0' ? chosen : "property-failures";
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  const std::filesystem::path path = directory / (file_stem + ".txt");
  std::ofstream file(path);
  file << failure.to_replay_text();
  if (!reproduce.empty()) {
    file << "rapidcheck-reproduce: RC_PARAMS=\"" << reproduce << "\"\n";
  }
  file.close();
  return file ? std::filesystem::absolute(path, error).string() : std::string();
}

std::string failure_message(const PropertyCase& run) {
  return "property '" + run.property + "' failed on " + run.implementation + " with seed " +
         std::to_string(run.schedule_seed) + " (" + strategy_name_for_seed(run.schedule_seed) +
         ", " + std::to_string(run.commands.size()) + " commands, " +
         std::to_string(run.outcome.decisions.size()) + " decisions, trace hash " +
         std::to_string(run.outcome.world.run.trace_hash) + "):\n" + run.violations_text();
}

}  // namespace lockstep::conformance::properties
