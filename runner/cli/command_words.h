// Naming an unknown subcommand: `lockstep frobnicate` must say "unknown subcommand
// 'frobnicate'", where CLI11 alone would only say that a subcommand is required.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace lockstep::cli {

/// "unknown subcommand 'X'" (or "unknown subcommand 'report X'") when the words of `argv`
/// name a subcommand `app` does not have; empty otherwise (CLI11 reports everything else).
std::string unknown_subcommand(CLI::App& app, int argc, char** argv);

}  // namespace lockstep::cli
