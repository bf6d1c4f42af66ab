// judge_target: one property on one implementation, asserted and reported.
#include "property_verdict.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

namespace lockstep::conformance::properties {

namespace {

// Triggers that need a rare interleaving take a few hundred cases; a holding target runs
// RC_PARAMS's max_success.
constexpr int kCasesToCatchAMutant = 3000;
constexpr int kCasesForAnUnreachedMutant = 150;

// "service host" on "end-ignored" -> "service-host--end-ignored".
std::string file_stem_of(const std::string& property, const std::string& implementation) {
  std::string stem = property;
  std::replace(stem.begin(), stem.end(), ' ', '-');
  return stem + "--" + implementation;
}

}  // namespace

TargetVerdict judge_target(const std::string& property, const PropertyTarget& target,
                           const std::function<void()>& body, const CaseRecorder& cases,
                           const char* not_reached_reason) {
  const std::string& name = target.implementation->name;
  const bool must_fail = !target.must_fail_on.empty();
  std::optional<int> budget;
  if (must_fail) {
    budget = not_reached_reason != nullptr ? kCasesForAnUnreachedMutant : kCasesToCatchAMutant;
  }
  TargetVerdict verdict;
  verdict.check = check_property(property + " over " + name, body, budget);
  const auto& minimal = cases.last_failure();
  std::cout << property << " over " << name << ": " << (verdict.check.failed ? "failed" : "held")
            << " after " << cases.runs() << " cases";
  if (!target.accepted_false_alarms.empty()) {
    std::cout << " (" << cases.accepted_runs() << " of them broke only known false alarms:";
    for (const std::string& rule : target.accepted_false_alarms) {
      std::cout << " " << rule;
    }
    std::cout << ", see known_false_alarms.cpp)";
  }
  if (verdict.check.failed && minimal.has_value()) {
    verdict.names_declared_rule = must_fail && minimal->names_rule(target.must_fail_on);
    const std::string file =
        write_failure_file(*minimal, file_stem_of(property, name), verdict.check.reproduce);
    std::cout << ", shrunk to " << minimal->commands.size() << " commands and "
              << minimal->outcome.decisions.size() << " decisions\n"
              << failure_message(*minimal) << "  scenario:\n";
    for (const std::string& command : minimal->commands) {
      std::cout << "    " << command << "\n";
    }
    std::cout << "  reproduce: RC_PARAMS=\"" << verdict.check.reproduce << "\""
              << (file.empty() ? "" : ", case written to " + file);
  }
  std::cout << "\n";
  if (verdict.check.gave_up) {
    ADD_FAILURE() << property << " gave up on " << name << ": " << verdict.check.message;
    return verdict;
  }
  if (not_reached_reason != nullptr) {
    std::cout << "  listed as not reached within the budget: " << not_reached_reason << "\n";
    return verdict;
  }
  if (!must_fail) {
    EXPECT_FALSE(verdict.check.failed)
        << property << " must hold on " << name << ": "
        << (minimal.has_value() ? failure_message(*minimal) : verdict.check.message);
    return verdict;
  }
  EXPECT_TRUE(verdict.check.failed)
      << name << " passed " << property << "; it breaks " << target.must_fail_on;
  if (verdict.check.failed) {
    EXPECT_TRUE(verdict.names_declared_rule)
        << name << ": the shrunk case does not name " << target.must_fail_on << ":\n"
        << (minimal.has_value() ? minimal->to_replay_text() : verdict.check.message);
  }
  return verdict;
}

void expect_every_mutant_judged(std::string_view part, const std::vector<std::string>& rules,
                                std::size_t expected_mutants) {
  std::vector<std::string> not_judged;
  const std::vector<PropertyTarget> targets = property_targets(part, rules, &not_judged);
  for (const std::string& name : not_judged) {
    ADD_FAILURE() << name << " breaks a rule the property does not cover";
  }
  std::size_t must_fail = 0;
  bool reference = false;
  for (const PropertyTarget& target : targets) {
    must_fail += target.must_fail_on.empty() ? 0 : 1;
    reference = reference || target.implementation->kind == "reference";
  }
  EXPECT_TRUE(reference) << "the reference is not among the targets";
  EXPECT_EQ(must_fail, expected_mutants) << "the bundled mutants defective in " << part;
}

}  // namespace lockstep::conformance::properties
