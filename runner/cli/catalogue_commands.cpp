// The listing commands, printed from the registry and the rule catalogue.
#include "runner/cli/catalogue_commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "conformance/catalogue/coverage_catalogue.h"
#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/registry/suites.h"
#include "runner/cli/exit_codes.h"
#include "runner/implementation_resolver.h"

namespace lockstep::cli {

// `lockstep list --impl PATH`: what a plugin provides and which suites apply to it. The plugin is
// loaded and checked in a child process (ImplementationResolver), never in this one.
int list_plugins(const std::vector<std::string>& arguments) {
  runner::ImplementationResolver resolver;
  for (const std::string& argument : arguments) {
    std::string error;
    const auto* implementation = resolver.resolve(argument, error);
    if (implementation == nullptr) {
      std::fprintf(stderr, "lockstep: %s\n", error.c_str());
      return kExitUsage;
    }
    std::printf("%s: %s\n", implementation->name.c_str(), implementation->description.c_str());
    const lockstep_implementation& table = *implementation->table;
    std::printf("  channel:         %s\n", table.channel != nullptr ? "provided" : "not provided");
    std::printf("  WsAsyncExecute:  %s\n",
                table.async_execute != nullptr ? "provided" : "not provided");
    std::printf("  service host:    %s\n",
                table.service_host != nullptr ? "provided" : "not provided");
    if (const runner::PluginFacts* facts = resolver.facts_of(*implementation)) {
      const std::pair<const char*, const runner::PatternRoles*> patterns[] = {
          {"IAsyncResult:    ", &facts->async_result},
          {"event-based:     ", &facts->event_based},
          {"task-based:      ", &facts->task_based}};
      for (const auto& [label, roles] : patterns) {
        std::printf("  %s%s\n", label,
                    !roles->provided                 ? "not provided"
                    : roles->proxy && roles->service ? "provided (client proxy and service)"
                    : roles->proxy                   ? "provided (client proxy only)"
                                                     : "provided (service only)");
      }
    }
    std::printf("  suites:");
    bool any = false;
    for (const auto& suite : conformance::suites()) {
      if (suite.applies(*implementation)) {
        std::printf(" %s", suite.name.c_str());
        any = true;
      }
    }
    std::printf("%s\n", any ? "" : " none apply");
  }
  return kExitPass;
}

int list_command(const std::string& format) {
  const auto& implementations = conformance::bundled_implementations();
  const auto& suites = conformance::suites();
  const auto& rules = conformance::rule_catalogue();
  if (format == "json") {
    nlohmann::ordered_json document;
    document["implementations"] = nlohmann::ordered_json::array();
    for (const auto& implementation : implementations) {
      nlohmann::ordered_json entry = {{"name", implementation.name}, {"kind", implementation.kind}};
      if (!implementation.breaks.empty()) {
        entry["breaks"] = implementation.breaks;
        entry["bug_class"] = implementation.bug_class;
        entry["part"] = implementation.defective_part;
      }
      entry["description"] = implementation.description;
      document["implementations"].push_back(entry);
    }
    document["suites"] = nlohmann::ordered_json::array();
    for (const auto& suite : suites) {
      document["suites"].push_back(
          {{"name", suite.name}, {"description", suite.description}, {"rules", suite.rules}});
    }
    document["rules"] = nlohmann::ordered_json::array();
    for (const auto& rule : rules) {
      document["rules"].push_back({{"id", rule.id},
                                   {"family", rule.family},
                                   {"title", rule.title},
                                   {"source", rule.source},
                                   {"checked_by", conformance::suites_checking(rule.id)}});
    }
    std::printf("%s\n", document.dump(2).c_str());
    return kExitPass;
  }
  // Columns as wide as their longest entry, so a long name never pushes its line out of line.
  std::size_t name_width = 0;
  for (const auto& implementation : implementations) {
    name_width = std::max(name_width, implementation.name.size());
  }
  for (const auto& suite : suites) {
    name_width = std::max(name_width, suite.name.size());
  }
  std::size_t family_width = 0;
  for (const auto& rule : rules) {
    family_width = std::max(family_width, rule.family.size());
  }
  std::string text = "implementations:\n";
  for (const auto& implementation : implementations) {
    text += fmt::format(
        "  {:<{}} {:<9} {:<5} {}\n", implementation.name, name_width, implementation.kind,
        implementation.breaks.empty() ? "-" : implementation.breaks, implementation.description);
  }
  text += "suites:\n";
  for (const auto& suite : suites) {
    text += fmt::format("  {:<{}} {}\n", suite.name, name_width, suite.description);
  }
  text += "rules:\n";
  for (const auto& rule : rules) {
    const bool checked = !conformance::suites_checking(rule.id).empty();
    text += fmt::format("  {:<5} {:<{}} {}{}\n", rule.id, rule.family, family_width, rule.title,
                        checked ? "" : "  [not checked by any suite]");
  }
  std::fputs(text.c_str(), stdout);
  return kExitPass;
}

int explain_command(const std::string& id) {
  const conformance::Rule* rule = conformance::find_rule(id);
  if (rule == nullptr) {
    std::fprintf(stderr, "lockstep: unknown rule '%s' (see lockstep list)\n", id.c_str());
    return kExitUsage;
  }
  std::printf("%s (%s): %s\n\n%s\n\nSource: %s\n", std::string(rule->id).c_str(),
              std::string(rule->family).c_str(), std::string(rule->title).c_str(),
              std::string(rule->text).c_str(), std::string(rule->source).c_str());
  std::string checked_by;
  for (const std::string& suite : conformance::suites_checking(rule->id)) {
    checked_by += (checked_by.empty() ? "" : ", ") + suite;
  }
  std::printf("Checked by: %s\n",
              checked_by.empty() ? "no suite (not checked)" : checked_by.c_str());
  const std::vector<const conformance::RuleClause*> clauses = conformance::clauses_of(rule->id);
  if (!clauses.empty()) {
    std::printf("\nClauses, how each is checked, and the probes that exercise it:\n");
  }
  for (const conformance::RuleClause* clause : clauses) {
    std::printf("  - %s\n    check: %s\n    probes: %s\n", std::string(clause->clause).c_str(),
                std::string(clause->check).c_str(), std::string(clause->probes).c_str());
    if (!clause->limits.empty()) {
      std::printf("    limits: %s\n", std::string(clause->limits).c_str());
    }
  }
  return kExitPass;
}

}  // namespace lockstep::cli
