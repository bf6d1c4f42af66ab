// Every service mutant is caught within the suite's schedules, on the rule it declares (the
// declared rule is among the violations of the first failing schedule).
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "conformance/service/service_schedule.h"
#include "service_test_tables.h"

namespace lockstep::conformance {
namespace {

constexpr std::uint64_t kSchedules = 300;

class ServiceMutant : public ::testing::TestWithParam<std::size_t> {};

TEST_P(ServiceMutant, IsCaughtOnTheRuleItDeclares) {
  std::size_t count = 0;
  const reference_service_mutant& mutant = reference_service_mutants(&count)[GetParam()];
  const reference_implementation table =
      testing::reference_service_table(mutant.defect, mutant.name);
  for (std::uint64_t seed = 0; seed < kSchedules; ++seed) {
    const ServiceScheduleResult result = run_service_schedule(
        table.base, seed, make_random_walk_strategy(seed));
    if (result.world.passed()) {
      continue;
    }
    bool declared_rule_found = false;
    for (const harness::Violation& violation : result.world.violations) {
      declared_rule_found = declared_rule_found || violation.rule == mutant.rule;
    }
    EXPECT_TRUE(declared_rule_found) << mutant.name << " failed seed " << seed << " but not on "
                                     << mutant.rule << ": " << result.world.summary();
    std::cout << "[ mutant   ] " << mutant.name << " (" << mutant.rule << ") caught after "
              << seed + 1 << " schedule(s): " << result.world.summary() << "\n";
    RecordProperty("schedules_to_first_failure", static_cast<int>(seed + 1));
    return;
  }
  ADD_FAILURE() << mutant.name << " was never caught in " << kSchedules << " schedules";
}

std::string mutant_name(const ::testing::TestParamInfo<std::size_t>& info) {
  std::size_t count = 0;
  std::string name = reference_service_mutants(&count)[info.param].name;
  for (char& character : name) {
    if (character == '-') {
      character = '_';
    }
  }
  return name;
}

std::size_t mutant_count() {
  std::size_t count = 0;
  reference_service_mutants(&count);
  return count;
}

INSTANTIATE_TEST_SUITE_P(AllServiceMutants, ServiceMutant,
                         ::testing::Range<std::size_t>(0, mutant_count()), mutant_name);

TEST(ServiceMutants, EachHasOneDefectBitAndAKebabCaseName) {
  std::size_t count = 0;
  const reference_service_mutant* mutants = reference_service_mutants(&count);
  ASSERT_GE(count, 8u);
  for (std::size_t index = 0; index < count; ++index) {
    const unsigned defect = mutants[index].defect;
    EXPECT_TRUE(defect != 0 && (defect & (defect - 1)) == 0) << mutants[index].name;
    EXPECT_EQ(std::string(mutants[index].name).find_first_not_of("abcdefghijklmnopqrstuvwxyz-"),
              std::string::npos);
    EXPECT_EQ(std::string(mutants[index].rule).rfind("SV", 0), 0u);
  }
}

}  // namespace
}  // namespace lockstep::conformance
