// Resolving the run's implementations, suites and rules.
#include "runner/cli/run_selection.h"

#include <algorithm>
#include <filesystem>

#include "conformance/catalogue/rule_catalogue.h"
#include "conformance/registry/suites.h"
#include "reports/sha256.h"

namespace lockstep::cli {

namespace {

bool is_outcome_name(const std::string& name) {
  static const char* const kOutcomes[] = {"deadlock",
                                          "step-budget-exhausted",
                                          "time-budget-exhausted",
                                          "fiber-exception",
                                          "event-exception",
                                          "replay-diverged",
                                          "hang",
                                          "memory-exceeded",
                                          "isolation-failed"};
  for (const char* outcome : kOutcomes) {
    if (name == outcome) {
      return true;
    }
  }
  return name.rfind("crash-SIG", 0) == 0;
}

}  // namespace

// Report names: a plugin by its table's name (by "<name>@<file>" when two share a name).
std::vector<std::optional<runner::ImplementationLabel>> labels_of(
    const std::vector<const conformance::Implementation*>& implementations,
    const runner::ImplementationResolver& resolver, std::string& error) {
  std::vector<std::optional<runner::ImplementationLabel>> labels;
  std::vector<std::string> names;
  for (const conformance::Implementation* implementation : implementations) {
    // A plugin's Implementation is named by its library's absolute path; its table's name and
    // version are what the child process that loaded it found. Hashing reads the file only.
    const runner::PluginFacts* facts = resolver.facts_of(*implementation);
    if (facts == nullptr) {
      labels.emplace_back();
      names.push_back(implementation->name);
      continue;
    }
    const std::string& path = implementation->name;
    const std::optional<std::string> sha256 = reports::sha256_of_file(path, error);
    if (!sha256) {
      return {};
    }
    labels.push_back(runner::ImplementationLabel{
        facts->name, reports::LibraryIdentity{path, *sha256, facts->version}});
    names.push_back(facts->name);
  }
  for (std::size_t position = 0; position < labels.size(); ++position) {
    if (labels[position] && std::count(names.begin(), names.end(), names[position]) > 1) {
      labels[position]->name +=
          "@" + std::filesystem::path(labels[position]->library->path).filename().string();
    }
  }
  return labels;
}

bool select_implementations(const std::vector<std::string>& arguments,
                            runner::ImplementationResolver& resolver,
                            std::vector<const conformance::Implementation*>& selected,
                            std::string& error) {
  const std::vector<conformance::Implementation>& bundled = conformance::bundled_implementations();
  if (arguments.empty()) {
    for (const conformance::Implementation& implementation : bundled) {
      selected.push_back(&implementation);
    }
    return true;
  }
  std::vector<std::string> patterns;
  for (const std::string& argument : arguments) {
    if (!runner::ImplementationResolver::looks_like_plugin_path(argument) ||
        runner::NameFilter::has_wildcard(argument)) {
      patterns.push_back(argument);
    }
  }
  const std::optional<runner::NameFilter> filter = runner::NameFilter::parse(patterns, error);
  if (!filter) {
    error = "--impl " + error;
    return false;
  }
  const bool only_negative = !patterns.empty() && filter->positive().empty();
  const auto add = [&](const conformance::Implementation* implementation) {
    if (filter->matches(implementation->name)) {
      selected.push_back(implementation);
    }
  };
  if (only_negative) {
    for (const conformance::Implementation& implementation : bundled) {
      add(&implementation);
    }
  }
  for (const std::string& argument : arguments) {
    if (runner::ImplementationResolver::looks_like_plugin_path(argument) &&
        !runner::NameFilter::has_wildcard(argument)) {
      const conformance::Implementation* plugin = resolver.resolve(argument, error);
      if (plugin == nullptr) {
        return false;
      }
      selected.push_back(plugin);
      continue;
    }
    std::optional<runner::NameFilter> own = runner::NameFilter::parse({argument}, error);
    for (const std::string& pattern : own->positive()) {
      if (!runner::NameFilter::has_wildcard(pattern)) {
        const conformance::Implementation* named = resolver.resolve(pattern, error);
        if (named == nullptr) {
          return false;
        }
        add(named);
        continue;
      }
      bool matched = false;
      for (const conformance::Implementation& implementation : bundled) {
        if (runner::NameFilter::glob_matches(pattern, implementation.name)) {
          matched = true;
          if (std::find(selected.begin(), selected.end(), &implementation) == selected.end()) {
            add(&implementation);
          }
        }
      }
      if (!matched) {
        error = "--impl pattern '" + pattern +
                "' matches no bundled implementation (see "
                "lockstep list)";
        return false;
      }
    }
  }
  if (selected.empty()) {
    error = "--impl " + filter->to_text() + " leaves no implementation to run";
    return false;
  }
  return true;
}

bool select_suites(const std::vector<std::string>& arguments, std::vector<std::string>& suites,
                   std::string& error) {
  const std::optional<runner::NameFilter> filter = runner::NameFilter::parse(arguments, error);
  if (!filter) {
    error = "--suite " + error;
    return false;
  }
  if (filter->empty()) {
    return true;
  }
  for (const std::string& name : filter->exact_names()) {
    if (conformance::find_suite(name) == nullptr) {
      error = "unknown suite '" + name + "' (see lockstep list)";
      return false;
    }
  }
  for (const conformance::Suite& suite : conformance::suites()) {
    if (filter->matches(suite.name)) {
      suites.push_back(suite.name);
    }
  }
  if (suites.empty()) {
    error = "--suite " + filter->to_text() + " matches no suite (see lockstep list)";
    return false;
  }
  return true;
}

std::optional<runner::NameFilter> parse_rule_filter(const std::vector<std::string>& arguments,
                                                    std::string& error) {
  std::optional<runner::NameFilter> filter = runner::NameFilter::parse(arguments, error);
  if (!filter) {
    error = "--rule " + error;
    return std::nullopt;
  }
  for (const std::string& name : filter->exact_names()) {
    if (conformance::find_rule(name) == nullptr && !is_outcome_name(name)) {
      error = "unknown rule '" + name +
              "' (see lockstep list; outcomes such as deadlock or "
              "hang count too)";
      return std::nullopt;
    }
  }
  return filter;
}

}  // namespace lockstep::cli
