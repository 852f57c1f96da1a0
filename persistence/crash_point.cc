#include "persistence/crash_point.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <chrono>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

namespace lwm2m::persistence {
namespace {

struct Armed {
  std::string name;
  long hits = 1;  // crash when the point is reached this many times
};

struct CrashPlan {
  std::vector<Armed> points;
  long delayMs = 0;  // LWM2M_GATEWAY_CRASH_DELAY_MS
  std::mutex mutex;
};

CrashPlan& plan() {
  static CrashPlan* p = [] {
    auto* made = new CrashPlan;  // never freed: may be used until the process dies
    const char* spec = std::getenv("LWM2M_GATEWAY_CRASH_AT");
    std::string text = spec ? spec : "";
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find(',', start);
      if (end == std::string::npos) end = text.size();
      std::string item = text.substr(start, end - start);
      start = end + 1;
      if (item.empty()) continue;
      Armed armed;
      if (auto at = item.rfind('@'); at != std::string::npos) {
        armed.hits = std::max(1L, std::strtol(item.c_str() + at + 1, nullptr, 10));
        item.resize(at);
      }
      armed.name = item;
      made->points.push_back(std::move(armed));
    }
    if (const char* delay = std::getenv("LWM2M_GATEWAY_CRASH_DELAY_MS")) {
      made->delayMs = std::max(0L, std::strtol(delay, nullptr, 10));
    }
    return made;
  }();
  return *p;
}

}  // namespace

bool crashPointsArmed() { return !plan().points.empty(); }

void crashPoint(std::string_view name) {
  CrashPlan& p = plan();
  if (p.points.empty()) return;
  std::lock_guard lock(p.mutex);
  for (Armed& armed : p.points) {
    if (armed.name != name || --armed.hits > 0) continue;
    const std::string line = "crash point '" + std::string(name) + "' reached: killing the gateway (LWM2M_GATEWAY_CRASH_AT)\n";
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, line.data(), line.size());
    // The other threads go on meanwhile: whatever would tell too early has time to.
    if (p.delayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(p.delayMs));
    ::raise(SIGKILL);
  }
}

}  // namespace lwm2m::persistence
