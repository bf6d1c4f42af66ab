// What the terminal `lockstep` writes to can do, decided once at start: whether a progress bar
// may be drawn on stderr (a terminal that is not TERM=dumb), whether stdout may be coloured (a
// terminal, not TERM=dumb, and NO_COLOR unset or empty: https://no-color.org), and how wide a
// line may be (the terminal's width, else $COLUMNS, else 80).
#pragma once

#include <string>

namespace lockstep::cli {

struct Terminal {
  bool progress_bar = false;  ///< stderr is a terminal that understands "\r" and erase-line
  bool colour = false;        ///< stdout takes ANSI colours
  int columns = 80;           ///< of stderr's terminal (for the bar)

  /// From the process's descriptors and environment.
  static Terminal detect();

  /// `text` in green, red or yellow when colour is on; as it is otherwise.
  std::string green(const std::string& text) const;
  std::string red(const std::string& text) const;
  std::string yellow(const std::string& text) const;
};

}  // namespace lockstep::cli
