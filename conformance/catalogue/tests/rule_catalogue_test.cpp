// The catalogue holds every rule of docs/CONTRACT.md, once, and only those; every rule there
// names its source; the README links the contract inside the repository. The contract is part
// of the repository, so these tests never skip: a missing file is a failure.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "conformance/catalogue/rule_catalogue.h"

namespace lockstep::conformance {
namespace {

std::string read_source_file(const std::string& relative_path) {
  const std::filesystem::path path = std::filesystem::path(LOCKSTEP_SOURCE_DIR) / relative_path;
  std::ifstream stream(path);
  EXPECT_TRUE(stream.good()) << path << " is missing: it belongs to the repository";
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

// Each rule's text in the contract: from "**ID" to the next rule or section.
std::map<std::string, std::string> rules_in_contract(const std::string& contents) {
  std::map<std::string, std::string> rules;
  // Rules are introduced as "**AM1 title.**" or "**AP1**": the id right after the bold mark.
  const std::regex rule(R"(\*\*((AM|CH|SV|AP|EV|TK|MX|RS)[0-9]+)[ *])");
  for (auto match = std::sregex_iterator(contents.begin(), contents.end(), rule);
       match != std::sregex_iterator(); ++match) {
    const std::size_t begin = static_cast<std::size_t>(match->position());
    std::size_t end = contents.find("\n- **", begin);
    end = std::min(end, contents.find("\n## ", begin));
    const std::string id = (*match)[1].str();
    EXPECT_FALSE(rules.contains(id)) << id << " is introduced twice";
    rules[id] = contents.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  }
  return rules;
}

// The text of the section (from "## " to the next) holding `position`.
std::string section_around(const std::string& contents, std::size_t position) {
  const std::size_t begin = contents.rfind("\n## ", position);
  const std::size_t end = contents.find("\n## ", position);
  return contents.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

TEST(RuleCatalogue, MatchesContractIdsExactly) {
  const std::map<std::string, std::string> contract =
      rules_in_contract(read_source_file("docs/CONTRACT.md"));
  ASSERT_FALSE(contract.empty()) << "docs/CONTRACT.md introduces no rule";
  std::set<std::string> in_contract;
  for (const auto& [id, text] : contract) {
    in_contract.insert(id);
  }
  std::set<std::string> catalogue;
  for (const Rule& rule : rule_catalogue()) {
    EXPECT_TRUE(catalogue.insert(std::string(rule.id)).second) << "duplicate " << rule.id;
  }
  EXPECT_EQ(catalogue, in_contract);
}

TEST(RuleCatalogue, EveryRuleOfTheContractNamesItsSource) {
  const std::string contents = read_source_file("docs/CONTRACT.md");
  for (const auto& [id, text] : rules_in_contract(contents)) {
    const bool own_source = text.find("Source:") != std::string::npos;
    const bool section_source =
        section_around(contents, contents.find(text))
            .find("Source of every rule of this section") != std::string::npos;
    EXPECT_TRUE(own_source || section_source) << id << " names no source in docs/CONTRACT.md";
  }
}

TEST(RuleCatalogue, TheReadmeLinksTheContractInsideTheRepository) {
  const std::string readme = read_source_file("README.md");
  EXPECT_NE(readme.find("](docs/CONTRACT.md)"), std::string::npos);
  EXPECT_EQ(readme.find("../shared/"), std::string::npos) << "a link outside the repository";
}

TEST(RuleCatalogue, EveryRuleHasTitleTextAndSource) {
  EXPECT_EQ(rule_catalogue().size(), 45u);
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
