#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::coap {

ManualScheduler::ManualScheduler()
    : now_(std::chrono::steady_clock::time_point(std::chrono::hours(1000))),
      wallNow_(std::chrono::system_clock::time_point(std::chrono::seconds(1767225600))) {}

Scheduler::TimerId ManualScheduler::schedule(std::chrono::steady_clock::duration delay,
                                             std::function<void()> callback) {
  if (delay < std::chrono::steady_clock::duration::zero()) delay = {};
  return timers_.add(now_ + delay, std::move(callback));
}

void ManualScheduler::cancel(TimerId id) { timers_.cancel(id); }

void ManualScheduler::advance(std::chrono::steady_clock::duration delay) {
  const auto end = now_ + delay;
  const auto wallStart = wallNow_;
  const auto start = now_;
  while (auto deadline = timers_.nextDeadline()) {
    if (*deadline > end) break;
    if (*deadline > now_) {
      now_ = *deadline;
      wallNow_ = wallStart + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                 now_ - start);
    }
    auto callback = timers_.popDue(now_);
    (*callback)();
  }
  now_ = end;
  wallNow_ = wallStart + std::chrono::duration_cast<std::chrono::system_clock::duration>(delay);
}

std::optional<std::chrono::steady_clock::time_point> ManualScheduler::nextDeadline() const {
  return timers_.nextDeadline();
}

}  // namespace lwm2m::coap
