#pragma once
// What the simulator prints, one line per event on stdout, so that people and
// tests can follow it:  "registered sim-0001 rd/5f3a9c01d2"

#include <cstdio>
#include <string>
#include <string_view>

namespace lwm2m::sim {

class EventLog {
 public:
  explicit EventLog(bool quiet) : quiet_(quiet) {}

  // Life-cycle events (registered, deregistered, failures) are always printed;
  // per-request lines (updated, read) are suppressed by --quiet.
  void lifecycle(std::string_view what, std::string_view endpoint, std::string_view detail = {}) {
    print(what, endpoint, detail);
  }
  void activity(std::string_view what, std::string_view endpoint, std::string_view detail = {}) {
    if (!quiet_) print(what, endpoint, detail);
  }

 private:
  static void print(std::string_view what, std::string_view endpoint, std::string_view detail) {
    std::string line;
    line.reserve(what.size() + endpoint.size() + detail.size() + 3);
    line.append(what).append(" ").append(endpoint);
    if (!detail.empty()) line.append(" ").append(detail);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  }

  bool quiet_;
};

}  // namespace lwm2m::sim
