// `lockstep list` and `lockstep explain`: what lockstep knows (bundled implementations, suites,
// rules) and what a plugin provides.
#pragma once

#include <string>
#include <vector>

namespace lockstep::cli {

/// `lockstep list [--format text|json]`.
int list_command(const std::string& format);
/// `lockstep list --impl PATH...`: what each plugin provides and which suites apply to it.
int list_plugins(const std::vector<std::string>& arguments);
/// `lockstep explain RULE`.
int explain_command(const std::string& id);

}  // namespace lockstep::cli
