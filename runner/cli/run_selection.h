// Which implementations, suites and rules `lockstep run` runs: --impl names, patterns and
// plugin paths, --suite and --rule filters in --gtest_filter's form (runner/name_filter.h), and
// the names a report gives plugins (the table's name, with the library's path, SHA-256 and
// version). Every refusal is a one-line error for exit 2.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runner/implementation_resolver.h"
#include "runner/name_filter.h"
#include "runner/run_schedules.h"

namespace lockstep::cli {

/// Resolves --impl arguments: bundled names, --gtest_filter-style patterns over bundled names
/// (registry order, each once), and plugin paths (loaded). False with a one-line `error`.
bool select_implementations(const std::vector<std::string>& arguments,
                            runner::ImplementationResolver& resolver,
                            std::vector<const conformance::Implementation*>& selected,
                            std::string& error);

/// Resolves --suite filters into suite names (empty: every suite). False with `error`.
bool select_suites(const std::vector<std::string>& arguments, std::vector<std::string>& suites,
                   std::string& error);

/// Parses --rule filters; a name without a wildcard must be a catalogue rule or an outcome.
std::optional<runner::NameFilter> parse_rule_filter(const std::vector<std::string>& arguments,
                                                    std::string& error);

/// Report names for `implementations`: a plugin by its table's name ("<name>@<file>" when two
/// share one), with its library; bundled ones keep their registry name (nullopt). Empty with
/// `error` when a library cannot be hashed.
std::vector<std::optional<runner::ImplementationLabel>> labels_of(
    const std::vector<const conformance::Implementation*>& implementations,
    const runner::ImplementationResolver& resolver, std::string& error);

}  // namespace lockstep::cli
