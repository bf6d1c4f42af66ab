// The kernels of scheduler_kernels.h.
#include "bench/scheduler_kernels.h"

#include <stdexcept>

namespace lockstep::bench {

namespace context = boost::context::detail;

namespace {

constexpr std::uint64_t kRoundsPerWorld = std::uint64_t{1} << 22;

void bounce(context::transfer_t transfer) {
  for (;;) {
    transfer = context::jump_fcontext(transfer.fctx, nullptr);
  }
}

SimulationConfig bench_config(StackPool& pool) {
  SimulationConfig config;
  config.keep_trace_events = false;
  config.stack_pool = &pool;
  config.max_steps = UINT64_MAX;
  return config;
}

}  // namespace

RawSwitchKernel::RawSwitchKernel() : pool_(64 << 10), stack_(pool_.acquire()) {
  context_ = context::make_fcontext(stack_.top(), stack_.usable_bytes, &bounce);
  round_trip();  // enters bounce once: every later call is a plain round trip
}

// The bouncing context is abandoned: it holds nothing but its stack.
RawSwitchKernel::~RawSwitchKernel() {
  pool_.release(stack_);
}

StepKernel::StepKernel(int fibers, const StrategySpec& spec)
    : pool_(64 << 10), fibers_(fibers), spec_(spec) {
  rebuild();
}

void StepKernel::rebuild() {
  simulation_.reset();
  simulation_ = std::make_unique<Simulation>(bench_config(pool_), make_strategy(spec_, 1, 1000));
  Simulation* simulation = simulation_.get();
  for (int fiber = 0; fiber < fibers_; ++fiber) {
    simulation->spawn("yielder", [simulation] {
      for (std::uint64_t round = 0; round < kRoundsPerWorld; ++round) {
        simulation->yield();
      }
    });
  }
}

TimerKernel::TimerKernel() : pool_(64 << 10) {
  rebuild();
}

void TimerKernel::rebuild() {
  simulation_.reset();
  simulation_ = std::make_unique<Simulation>(bench_config(pool_), make_random_walk_strategy(1));
  Simulation* simulation = simulation_.get();
  simulation->spawn("sleeper", [simulation] {
    for (std::uint64_t round = 0; round < kRoundsPerWorld; ++round) {
      simulation->sleep_for(1000);
    }
  });
}

NetworkDeliveryKernel::NetworkDeliveryKernel() : pool_(64 << 10) {
  rebuild();
}

NetworkDeliveryKernel::~NetworkDeliveryKernel() {
  network_.reset();
  simulation_.reset();
}

void NetworkDeliveryKernel::rebuild() {
  network_.reset();
  simulation_.reset();
  simulation_ = std::make_unique<Simulation>(bench_config(pool_), make_random_walk_strategy(1));
  harness::FaultPlan plan = harness::FaultPlan::none();
  plan.delay_max_ns = 1000;
  plan.healed_delay_max_ns = 1000;
  network_ = std::make_unique<harness::FakeNetwork>(*simulation_, plan);
  const harness::CompletionSink now = [](std::function<void()> completion) { completion(); };
  harness::ListenerId listener = 0;
  if (network_->listen("net://bench", listener) != S_OK) {
    throw std::runtime_error("network kernel: listen failed");
  }
  client_ = 0;
  server_ = 0;
  network_->accept(listener, now, [this](HRESULT, harness::ConnectionId id) { server_ = id; });
  network_->connect("net://bench", now,
                    [this](HRESULT, harness::ConnectionId id) { client_ = id; });
  while ((client_ == 0 || server_ == 0) && simulation_->step()) {
  }
  if (client_ == 0 || server_ == 0) {
    throw std::runtime_error("network kernel: the connection was not established");
  }
}

void NetworkDeliveryKernel::deliver_once() {
  const harness::CompletionSink now = [](std::function<void()> completion) { completion(); };
  const std::uint64_t before = received_;
  network_->receive(server_, now, [this](HRESULT, std::string_view) { ++received_; });
  network_->send(client_, "ping", now, [](HRESULT) {});
  while (received_ == before) {
    if (!simulation_->step()) {
      rebuild();
      return;
    }
  }
}

}  // namespace lockstep::bench
