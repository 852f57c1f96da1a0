#include "lwm2m/coap/asio_scheduler.h"

namespace lwm2m::coap {

AsioScheduler::AsioScheduler(boost::asio::io_context& io)
    : timer_(io), alive_(std::make_shared<bool>(true)) {}

// The timer's destructor aborts the pending wait; a wait that already
// completed but has not run yet finds alive_ expired.
AsioScheduler::~AsioScheduler() { *alive_ = false; }

std::chrono::steady_clock::time_point AsioScheduler::now() const {
  return std::chrono::steady_clock::now();
}

std::chrono::system_clock::time_point AsioScheduler::wallNow() const {
  return std::chrono::system_clock::now();
}

Scheduler::TimerId AsioScheduler::schedule(std::chrono::steady_clock::duration delay,
                                           std::function<void()> callback) {
  if (delay < std::chrono::steady_clock::duration::zero()) delay = {};
  TimerId id = timers_.add(now() + delay, std::move(callback));
  arm();
  return id;
}

void AsioScheduler::cancel(TimerId id) {
  // The kernel timer stays armed at the old deadline if this was the earliest
  // one; onTimer() then finds nothing due and re-arms. Cheaper than re-arming
  // on every cancel, which is the common case (ACK before retransmission).
  timers_.cancel(id);
}

// Keeps one wait pending at the earliest deadline. A wait armed at an earlier
// or equal deadline is left alone.
void AsioScheduler::arm() {
  auto next = timers_.nextDeadline();
  if (!next) return;
  if (armedAt_ && *armedAt_ <= *next) return;
  armedAt_ = *next;
  timer_.expires_at(*next);  // cancels a later wait, whose handler sees operation_aborted
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
    if (ec == boost::asio::error::operation_aborted) return;
    auto lock = alive.lock();
    if (!lock || !*lock) return;
    onTimer();
  });
}

void AsioScheduler::onTimer() {
  armedAt_.reset();
  // Callbacks may schedule or cancel; each pop re-reads the queue. Timers that
  // a callback schedules with zero delay run in the next round, not this one,
  // so a callback that keeps rescheduling itself cannot starve the io_context.
  const auto now = this->now();
  while (auto callback = timers_.popDue(now)) (*callback)();
  arm();
}

}  // namespace lwm2m::coap
