// The catalogue holds every rule of CONTRACT.md, once, and only those.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "conformance/catalogue/rule_catalogue.h"

namespace lockstep::conformance {
namespace {

std::set<std::string> rule_ids_in_contract() {
  const std::filesystem::path contract =
      std::filesystem::path(LOCKSTEP_SOURCE_DIR).parent_path() / "shared" / "CONTRACT.md";
  std::set<std::string> ids;
  std::ifstream stream(contract);
  if (!stream) {
    return ids;
  }
  std::stringstream text;
  text << stream.rdbuf();
  const std::string contents = text.str();
  // Rules are introduced as "**AM1 title.**" or "**AP1**": the id right after the bold mark.
  const std::regex rule(R"(\*\*((AM|CH|SV|AP|EV|TK|RS)[0-9]+)[ *])");
  for (auto match = std::sregex_iterator(contents.begin(), contents.end(), rule);
       match != std::sregex_iterator(); ++match) {
    ids.insert((*match)[1].str());
  }
  return ids;
}

TEST(RuleCatalogue, MatchesContractIdsExactly) {
  const std::set<std::string> contract = rule_ids_in_contract();
  if (contract.empty()) {
    GTEST_SKIP() << "shared/CONTRACT.md is not beside the checkout";
  }
  std::set<std::string> catalogue;
  for (const Rule& rule : rule_catalogue()) {
    EXPECT_TRUE(catalogue.insert(std::string(rule.id)).second) << "duplicate " << rule.id;
  }
  EXPECT_EQ(catalogue, contract);
}

TEST(RuleCatalogue, EveryRuleHasTitleTextAndSource) {
  EXPECT_EQ(rule_catalogue().size(), 44u);
  for (const Rule& rule : rule_catalogue()) {
    EXPECT_FALSE(rule.title.empty()) << rule.id;
    EXPECT_GT(rule.text.size(), 20u) << rule.id;
    EXPECT_FALSE(rule.source.empty()) << rule.id;
    EXPECT_FALSE(rule.family.empty()) << rule.id;
  }
}

TEST(RuleCatalogue, LookupIsCaseInsensitiveAndExact) {
  ASSERT_NE(find_rule("am3"), nullptr);
  EXPECT_EQ(find_rule("am3")->id, "AM3");
  EXPECT_EQ(find_rule("AM1")->title, "null context is synchronous");
  EXPECT_EQ(find_rule("AM"), nullptr);
  EXPECT_EQ(find_rule("AM13"), nullptr);
  EXPECT_EQ(find_rule(""), nullptr);
}

}  // namespace
}  // namespace lockstep::conformance
