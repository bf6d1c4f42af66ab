// Walking the leading words of the command line down the subcommand tree.
#include "runner/cli/command_words.h"

namespace lockstep::cli {

std::string unknown_subcommand(CLI::App& app, int argc, char** argv) {
  CLI::App* current = &app;
  std::string path;
  for (int position = 1; position < argc; ++position) {
    const std::string word = argv[position];
    if (word.empty() || word[0] == '-') {
      return {};  // options from here on: CLI11's to judge
    }
    const std::vector<CLI::App*> subcommands = current->get_subcommands({});
    if (subcommands.empty()) {
      return {};  // a positional argument of a subcommand
    }
    CLI::App* next = nullptr;
    for (CLI::App* subcommand : subcommands) {
      if (subcommand->get_name() == word) {
        next = subcommand;
      }
    }
    if (next == nullptr) {
      return "unknown subcommand '" + path + word + "'";
    }
    path += word + " ";
    current = next;
  }
  return {};
}

}  // namespace lockstep::cli
