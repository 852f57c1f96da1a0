#pragma once
// Scheduler on a boost::asio::io_context: one steady_timer armed at the
// earliest deadline of a TimerQueue, so any number of pending timers costs one
// kernel timer. Not thread-safe: use it from the io_context's thread only.

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "lwm2m/coap/scheduler.h"
#include "lwm2m/coap/timer_queue.h"

namespace lwm2m::coap {

class AsioScheduler : public Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io);
  ~AsioScheduler() override;
  AsioScheduler(const AsioScheduler&) = delete;
  AsioScheduler& operator=(const AsioScheduler&) = delete;

  std::chrono::steady_clock::time_point now() const override;
  std::chrono::system_clock::time_point wallNow() const override;
  TimerId schedule(std::chrono::steady_clock::duration delay,
                   std::function<void()> callback) override;
  void cancel(TimerId id) override;

  std::size_t pendingTimers() const { return timers_.size(); }

 private:
  void arm();
  void onTimer();

  boost::asio::steady_timer timer_;
  TimerQueue timers_;
  std::optional<std::chrono::steady_clock::time_point> armedAt_;
  std::shared_ptr<bool> alive_;
};

}  // namespace lwm2m::coap
