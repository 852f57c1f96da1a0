#pragma once
// A Scheduler driven by the test: time moves only through advance().

#include "lwm2m/coap/scheduler.h"
#include "lwm2m/coap/timer_queue.h"

namespace lwm2m::coap {

class ManualScheduler : public Scheduler {
 public:
  // Steady time starts at an arbitrary non-zero point; wall time at 2026-01-01T00:00:00Z.
  ManualScheduler();

  std::chrono::steady_clock::time_point now() const override { return now_; }
  std::chrono::system_clock::time_point wallNow() const override { return wallNow_; }
  TimerId schedule(std::chrono::steady_clock::duration delay,
                   std::function<void()> callback) override;
  void cancel(TimerId id) override;

  // Moves time forward by `delay`, running every callback that falls due in
  // time order (now() equals each callback's deadline while it runs),
  // including ones scheduled by callbacks within the window. Wall time moves too.
  void advance(std::chrono::steady_clock::duration delay);
  // Runs callbacks due now (e.g. zero-delay ones) without moving time.
  void runDue() { advance(std::chrono::steady_clock::duration::zero()); }
  void setWallTime(std::chrono::system_clock::time_point wallTime) { wallNow_ = wallTime; }

  std::size_t pendingTimers() const { return timers_.size(); }
  // Deadline of the earliest pending timer, if any.
  std::optional<std::chrono::steady_clock::time_point> nextDeadline() const;

 private:
  std::chrono::steady_clock::time_point now_;
  std::chrono::system_clock::time_point wallNow_;
  TimerQueue timers_;
};

}  // namespace lwm2m::coap
