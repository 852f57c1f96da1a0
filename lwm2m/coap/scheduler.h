#pragma once
// The injected time source of the CoAP layer and everything above it.
// Production code uses AsioScheduler; tests use ManualScheduler and advance
// time explicitly, so nothing ever sleeps.

#include <chrono>
#include <cstdint>
#include <functional>

namespace lwm2m::coap {

class Scheduler {
 public:
  using TimerId = std::uint64_t;

  virtual ~Scheduler();

  virtual std::chrono::steady_clock::time_point now() const = 0;
  virtual std::chrono::system_clock::time_point wallNow() const = 0;
  // Runs `callback` once, `delay` from now (never from inside this call, even
  // for a zero delay). Timers due at the same instant run in scheduling order.
  // Never returns 0, so 0 can mean "no timer".
  virtual TimerId schedule(std::chrono::steady_clock::duration delay,
                           std::function<void()> callback) = 0;
  // Cancelling a fired or unknown id is a no-op.
  virtual void cancel(TimerId id) = 0;
};

}  // namespace lwm2m::coap
