#include "gateway/daemon/heap_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/auxv.h>
#include <unistd.h>
#endif

#include <cstdlib>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {

void restartWithoutThreadCaches(char** argv) {
#if defined(__GLIBC__)
  constexpr const char* kVariable = "GLIBC_TUNABLES";
  constexpr const char* kNoThreadCache = "glibc.malloc.tcache_count=0";
  if (::getauxval(AT_SECURE) != 0) return;  // glibc ignores the variable
  const char* current = std::getenv(kVariable);
  const std::string before = current != nullptr ? current : "";
  if (before.find("glibc.malloc.tcache_count=") != std::string::npos) return;
  // The file's own path, not /proc/self/exe: the process is named after it (ps, journal).
  char path[4096];
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0 || static_cast<std::size_t>(length) >= sizeof path - 1) return;
  path[length] = '\0';
  if (std::string_view(path, static_cast<std::size_t>(length)).ends_with(" (deleted)")) return;  // replaced meanwhile
  const std::string tunables = before.empty() ? kNoThreadCache : before + ":" + kNoThreadCache;
  if (::setenv(kVariable, tunables.c_str(), 1) != 0) return;
  ::execv(path, argv);
  // Not executed: run as it is, with the thread caches.
  if (current != nullptr) {
    ::setenv(kVariable, before.c_str(), 1);
  } else {
    ::unsetenv(kVariable);
  }
#else
  (void)argv;
#endif
}

void tuneMalloc() {
#if defined(__GLIBC__)
  ::mallopt(M_ARENA_MAX, 2);
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables == nullptr || std::string_view(tunables).find("glibc.malloc.trim_threshold=") == std::string_view::npos) {
    ::mallopt(M_TRIM_THRESHOLD, 256 * 1024);
  }
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
