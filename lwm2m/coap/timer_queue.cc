#include "lwm2m/coap/timer_queue.h"

#include "lwm2m/spare_buckets.h"

namespace lwm2m::coap {

TimerQueue::TimerId TimerQueue::add(Clock::time_point deadline, std::function<void()> callback) {
  TimerId id = nextId_++;
  // Deadlines mostly grow with time: hinting the end makes those inserts O(1).
  byDeadline_.emplace_hint(byDeadline_.end(), Key{deadline, id}, std::move(callback));
  byId_.emplace(id, deadline);
  return id;
}

bool TimerQueue::cancel(TimerId id) {
  auto found = byId_.find(id);
  if (found == byId_.end()) return false;
  byDeadline_.erase(byDeadline_.find(Key{found->second, id}));
  byId_.erase(found);
  releaseSpareBuckets(byId_);
  return true;
}

std::optional<TimerQueue::Clock::time_point> TimerQueue::nextDeadline() const {
  if (byDeadline_.empty()) return std::nullopt;
  return byDeadline_.begin()->first.first;
}

std::optional<std::function<void()>> TimerQueue::popDue(Clock::time_point now) {
  if (byDeadline_.empty()) return std::nullopt;
  auto first = byDeadline_.begin();
  if (first->first.first > now) return std::nullopt;
  std::function<void()> callback = std::move(first->second);
  byId_.erase(first->first.second);
  byDeadline_.erase(first);
  releaseSpareBuckets(byId_);
  return callback;
}

}  // namespace lwm2m::coap
