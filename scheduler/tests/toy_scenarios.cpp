// Toy worlds: enough fibers, timers and draws to exercise every scheduler path.
#include "toy_scenarios.h"

#include <memory>
#include <stdexcept>
#include <string>

namespace lockstep::toy {

void build_busy_world(Simulation& simulation, int worker_count, int rounds_per_worker) {
  struct Mailbox {
    int delivered = 0;
    FiberId reader = 0;
  };
  auto mailbox = std::make_shared<Mailbox>();
  Simulation* sim = &simulation;
  mailbox->reader = simulation.spawn("mailbox", [sim, mailbox, worker_count] {
    int seen = 0;
    while (seen < worker_count) {
      if (mailbox->delivered == seen) {
        sim->block("waiting for mail");
        continue;
      }
      seen = mailbox->delivered;
      sim->annotate("mail", static_cast<std::uint64_t>(seen));
    }
  });
  for (int worker = 0; worker < worker_count; ++worker) {
    simulation.spawn("worker-" + std::to_string(worker), [sim, mailbox, worker, rounds_per_worker] {
      EventId cancellable{};
      for (int round = 0; round < rounds_per_worker; ++round) {
        switch (sim->integer(5)) {
          case 0:
            sim->sleep_for(1 + sim->integer(1000));
            break;
          case 1:
            cancellable = sim->schedule(
                sim->integer(500), [sim, worker] { sim->annotate("timer", worker); }, "timer");
            break;
          case 2:
            if (sim->chance(1, 2)) {
              sim->cancel(cancellable);
            }
            break;
          default:
            sim->yield();
        }
        sim->annotate("round", static_cast<std::uint64_t>(worker * 1000 + round));
      }
      sim->schedule(
          sim->integer(100),
          [sim, mailbox] {
            ++mailbox->delivered;
            sim->wake(mailbox->reader);
          },
          "deliver");
    });
  }
}

RunResult run_busy_world(std::unique_ptr<Strategy> strategy, DecisionLog* decisions_out) {
  SimulationConfig config;
  config.keep_trace_events = false;
  Simulation simulation(config, std::move(strategy));
  build_busy_world(simulation, 4, 12);
  RunResult result = simulation.run();
  if (decisions_out != nullptr) {
    *decisions_out = simulation.decisions();
  }
  return result;
}

void build_publish_before_initialize_bug(Simulation& simulation, int noise_steps) {
  struct Shared {
    bool published = false;
    bool initialized = false;
  };
  auto shared = std::make_shared<Shared>();
  Simulation* sim = &simulation;
  simulation.spawn("publisher", [sim, shared, noise_steps] {
    for (int step = 0; step < noise_steps; ++step) {
      sim->yield();
    }
    shared->published = true;
    sim->yield();
    shared->initialized = true;
  });
  simulation.spawn("consumer", [sim, shared, noise_steps] {
    for (int step = 0; step < noise_steps; ++step) {
      sim->yield();
    }
    if (shared->published && !shared->initialized) {
      throw std::runtime_error("consumer used the object after publish, before initialize");
    }
  });
}

std::uint64_t publish_before_initialize_steps(int noise_steps) {
  // publisher: noise_steps + 2 resumptions; consumer: noise_steps + 1.
  return static_cast<std::uint64_t>(2 * noise_steps + 3);
}

}  // namespace lockstep::toy
