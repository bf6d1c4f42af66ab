// isatty, TIOCGWINSZ, TERM, NO_COLOR, COLUMNS.
#include "runner/cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace lockstep::cli {

namespace {

bool dumb_terminal() {
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") == 0 || term[0] == '\0';
}

std::string paint(bool colour, const char* code, const std::string& text) {
  return colour ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}

}  // namespace

Terminal Terminal::detect() {
  Terminal terminal;
  const bool dumb = dumb_terminal();
  terminal.progress_bar = isatty(STDERR_FILENO) != 0 && !dumb;
  const char* no_colour = std::getenv("NO_COLOR");
  terminal.colour =
      isatty(STDOUT_FILENO) != 0 && !dumb && (no_colour == nullptr || no_colour[0] == '\0');
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    terminal.columns = size.ws_col;
  } else if (const char* columns = std::getenv("COLUMNS")) {
    const int parsed = std::atoi(columns);
    terminal.columns = parsed > 0 ? parsed : 80;
  }
  return terminal;
}

std::string Terminal::green(const std::string& text) const {
  return paint(colour, "32", text);
}
std::string Terminal::red(const std::string& text) const {
  return paint(colour, "1;31", text);
}
std::string Terminal::yellow(const std::string& text) const {
  return paint(colour, "33", text);
}

}  // namespace lockstep::cli
