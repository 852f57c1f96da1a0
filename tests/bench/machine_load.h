#pragma once
// What a benchmark reports beside its figures: the CPU a process used, and
// the machine's load (figures taken under a load beyond the cores say more
// about the neighbours than about the gateway).

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace lwm2m::testing {

// CPU seconds (user + system) process `pid` has used so far.
inline double processCpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  std::istringstream fields(line.substr(line.rfind(')') + 2));  // after "pid (comm) "
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // fields 3..13
  double user = 0, system = 0;
  fields >> user >> system;                      // fields 14 and 15, in clock ticks
  return (user + system) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The machine's 1-minute load average, as text.
inline std::string loadAverage() {
  std::ifstream file("/proc/loadavg");
  std::string oneMinute;
  file >> oneMinute;
  return oneMinute.empty() ? "?" : oneMinute;
}

}  // namespace lwm2m::testing
