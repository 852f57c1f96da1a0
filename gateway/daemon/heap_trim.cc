#include "gateway/daemon/heap_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {

void limitMallocArenas() {
#if defined(__GLIBC__)
  ::mallopt(M_ARENA_MAX, 2);
#endif
}

namespace {

void trimHeap() {
#if defined(__GLIBC__)
  const bool released = ::malloc_trim(0) != 0;
  spdlog::debug("heap trimmed after devices left: {}", released ? "pages returned" : "nothing to return");
#endif
}

}  // namespace

HeapTrim::~HeapTrim() { scheduler_.cancel(timer_); }

void HeapTrim::departed() {
  if (++departures_ < threshold_) return;
  const auto now = scheduler_.now();
  if (timer_ != 0) {
    if (now + delay_ > armedAt_ + maxWait_) return;  // due soon enough anyway
    scheduler_.cancel(timer_);
  } else {
    armedAt_ = now;
  }
  timer_ = scheduler_.schedule(delay_, [this] { due(); });
}

void HeapTrim::due() {
  timer_ = 0;
  if (quiet_ && !quiet_() && scheduler_.now() + delay_ <= armedAt_ + maxWait_ + busyWait_) {
    timer_ = scheduler_.schedule(delay_, [this] { due(); });
    return;
  }
  departures_ = 0;
  // Counted once done: the release may finish on another thread, after this object is gone.
  auto trim = [trims = trims_] {
    trimHeap();
    trims->fetch_add(1, std::memory_order_relaxed);
  };
  if (release_) {
    release_(trim);
  } else {
    trim();
  }
}

}  // namespace lwm2m::gateway
