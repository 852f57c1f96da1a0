#pragma once
// HistoryAge: the maximum age of what a history keeps (the event ring's
// events, the finished requests), on an injected steady clock. Entries are
// stamped when kept (stampNow(): steady nanoseconds); those stamped before
// oldestKept() are past the age. Without a maximum age (the default, or
// zero) both are 0 and nothing ages out.
//
// Contract: used on the thread of the history that owns it.

#include <chrono>
#include <cstdint>
#include <functional>
#include <utility>

namespace lwm2m::bridges::http {

class HistoryAge {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  void set(std::chrono::steady_clock::duration maxAge, Clock now) {
    maxAge_ = maxAge;
    now_ = std::move(now);
  }

  std::int64_t stampNow() const {
    if (maxAge_ <= std::chrono::steady_clock::duration::zero() || !now_) return 0;
    return std::chrono::duration_cast<std::chrono::nanoseconds>(now_().time_since_epoch()).count();
  }

  std::int64_t oldestKept() const {
    const std::int64_t now = stampNow();
    return now == 0 ? 0 : now - std::chrono::duration_cast<std::chrono::nanoseconds>(maxAge_).count();
  }

 private:
  std::chrono::steady_clock::duration maxAge_{0};
  Clock now_;
};

}  // namespace lwm2m::bridges::http
