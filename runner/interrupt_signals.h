// SIGINT and SIGTERM during `lockstep run`: finish the schedules in progress, then write the
// report of what finished (marked interrupted) instead of dying with nothing.
//
// The handler only stores the signal number in a sig_atomic_t; the run loop polls it between
// schedules. In the main process the first signal also restores the default action, so a
// second Ctrl-C ends a run that is stuck. Forked workers keep catching (their parent forwards
// one SIGTERM to each and waits for them), so a worker always finishes its schedule and
// flushes its results.
#pragma once

namespace lockstep::runner {

/// Installs the handlers. `second_signal_kills`: restore the default action after the first.
void install_interrupt_handlers(bool second_signal_kills);
/// The signal received (SIGINT or SIGTERM), or 0.
int interrupt_signal();
/// The name for messages: "SIGINT", "SIGTERM".
const char* interrupt_signal_name(int signal_number);

}  // namespace lockstep::runner
