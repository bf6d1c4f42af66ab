// sigaction without SA_RESTART: a signal also wakes the parent's poll() at once.
#include "runner/interrupt_signals.h"

#include <csignal>

namespace lockstep::runner {

namespace {

volatile std::sig_atomic_t received_signal = 0;

extern "C" void record_interrupt(int signal_number) {
  received_signal = signal_number;
}

}  // namespace

void install_interrupt_handlers(bool second_signal_kills) {
  struct sigaction action {};
  action.sa_handler = record_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = second_signal_kills ? SA_RESETHAND : 0;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interrupt_signal() {
  return received_signal;
}

const char* interrupt_signal_name(int signal_number) {
  return signal_number == SIGINT ? "SIGINT" : signal_number == SIGTERM ? "SIGTERM" : "a signal";
}

}  // namespace lockstep::runner
