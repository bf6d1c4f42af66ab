// The hot paths of the simulator as repeatable kernels, shared by the Google Benchmark
// programs and lockstep-bench so that both measure exactly the same work.
//
// Each kernel builds its world once and then performs one unit of work per call: a raw
// Boost.Context round trip (scheduler -> fiber -> scheduler, the floor under every step), one
// scheduler step between yielding fibers, one timer event (a sleep: an event step and a fiber
// step), one network delivery (send, deliver, receive with their completions). A kernel whose
// world ran out rebuilds it outside the caller's timing when it can (see each kernel).
#pragma once

#include <boost/context/detail/fcontext.hpp>
#include <cstdint>
#include <memory>

#include "harness/network/fake_network.h"
#include "scheduler/simulation.h"

namespace lockstep::bench {

/// One round trip through jump_fcontext: two switches, nothing else.
class RawSwitchKernel {
 public:
  RawSwitchKernel();
  ~RawSwitchKernel();
  RawSwitchKernel(const RawSwitchKernel&) = delete;
  RawSwitchKernel& operator=(const RawSwitchKernel&) = delete;
  void round_trip() { context_ = boost::context::detail::jump_fcontext(context_, nullptr).fctx; }

 private:
  StackPool pool_;
  FiberStack stack_;
  boost::context::detail::fcontext_t context_ = nullptr;
};

/// One scheduler step among `fibers` fibers that only yield (a decision, a trace record and
/// a round trip into the chosen fiber).
class StepKernel {
 public:
  StepKernel(int fibers, const StrategySpec& spec);
  void step() {
    if (!simulation_->step()) {
      rebuild();
    }
  }

 private:
  void rebuild();
  StackPool pool_;
  int fibers_;
  StrategySpec spec_;
  std::unique_ptr<Simulation> simulation_;
};

/// One sleep: the wake event is scheduled, the clock advances, the event fires, the fiber
/// runs again (two steps).
class TimerKernel {
 public:
  TimerKernel();
  void sleep_once() {
    if (!simulation_->step() || !simulation_->step()) {
      rebuild();
    }
  }

 private:
  void rebuild();
  StackPool pool_;
  std::unique_ptr<Simulation> simulation_;
};

/// One message over an established fake-network connection: send, delivery after a drawn
/// delay, the receive's completion and the send's completion (completions run at once).
class NetworkDeliveryKernel {
 public:
  NetworkDeliveryKernel();
  ~NetworkDeliveryKernel();
  void deliver_once();

 private:
  void rebuild();
  StackPool pool_;
  std::unique_ptr<Simulation> simulation_;
  std::unique_ptr<harness::FakeNetwork> network_;
  harness::ConnectionId client_ = 0;
  harness::ConnectionId server_ = 0;
  std::uint64_t received_ = 0;
};

}  // namespace lockstep::bench
