// POSIX single-quote quoting.
#include "reports/shell_command.h"

namespace lockstep::reports {

namespace {

bool needs_no_quotes(char character) {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
         (character >= '0' && character <= '9') || character == '_' || character == '-' ||
         character == '.' || character == '/' || character == ':' || character == '=' ||
         character == '@' || character == '%' || character == '+' || character == ',';
}

}  // namespace

std::string shell_quote(std::string_view word) {
  bool plain = !word.empty();
  for (const char character : word) {
    plain = plain && needs_no_quotes(character);
  }
  if (plain) {
    return std::string(word);
  }
  std::string quoted = "'";
  for (const char character : word) {
    if (character == '\'') {
      quoted += "'\\''";
    } else {
      quoted += character;
    }
  }
  return quoted + "'";
}

std::string shell_command(const std::vector<std::string>& words) {
  std::string command;
  for (const std::string& word : words) {
    command += (command.empty() ? "" : " ") + shell_quote(word);
  }
  return command;
}

}  // namespace lockstep::reports
