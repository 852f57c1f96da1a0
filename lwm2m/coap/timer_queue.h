#pragma once
// Ordered set of pending timers shared by the Scheduler implementations:
// O(log n) insert, cancel and pop, exact cancellation (no tombstones), so
// 100k pending timers cost memory proportional to 100k and nothing more.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

namespace lwm2m::coap {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using TimerId = std::uint64_t;

  TimerId add(Clock::time_point deadline, std::function<void()> callback);
  // False if the id is unknown or already popped.
  bool cancel(TimerId id);
  // Earliest deadline, if any timer is pending.
  std::optional<Clock::time_point> nextDeadline() const;
  // Removes and returns the earliest timer's callback if its deadline is ≤ now.
  // Ties pop in insertion order.
  std::optional<std::function<void()>> popDue(Clock::time_point now);
  std::size_t size() const { return byId_.size(); }
  bool empty() const { return byId_.empty(); }

 private:
  using Key = std::pair<Clock::time_point, TimerId>;
  std::map<Key, std::function<void()>> byDeadline_;
  std::unordered_map<TimerId, Clock::time_point> byId_;
  TimerId nextId_ = 1;
};

}  // namespace lwm2m::coap
