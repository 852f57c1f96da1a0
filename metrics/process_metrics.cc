#include "metrics/process_metrics.h"

#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace lwm2m::metrics {
namespace {

// Fields of /proc/self/stat after the command name (which may hold spaces):
// field 3 (state) is index 0.
std::vector<std::string> statFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  const auto close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  return {std::istream_iterator<std::string>(rest), std::istream_iterator<std::string>()};
}

double statField(const std::vector<std::string>& fields, std::size_t field) {  // numbered as in proc(5)
  const std::size_t index = field - 3;
  if (index >= fields.size()) return NAN;
  try {
    return std::stod(fields[index]);
  } catch (const std::exception&) {
    return NAN;
  }
}

double openFileDescriptors() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (ec) return NAN;
  double n = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return NAN;
    ++n;
  }
  return n - 1;  // the iterator's own descriptor
}

}  // namespace

void addProcessMetrics(Registry& registry, std::chrono::system_clock::time_point startedAt) {
  const double started =
      std::chrono::duration<double>(startedAt.time_since_epoch()).count();
  registry.gaugeFunction("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.",
                         [started] { return std::floor(started); });
  registry.counterFunction("process_cpu_seconds_total", "User and system CPU time spent, in seconds.", [] {
    const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const auto fields = statFields();
    return (statField(fields, 14) + statField(fields, 15)) / ticks;  // utime + stime
  });
  registry.gaugeFunction("process_resident_memory_bytes", "Resident memory size, in bytes.", [] {
    return statField(statFields(), 24) * static_cast<double>(::sysconf(_SC_PAGESIZE));  // rss in pages
  });
  registry.gaugeFunction("process_open_fds", "Open file descriptors.", openFileDescriptors);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  registry.collect(MetricType::Gauge, "process_heap_bytes",
                   "Heap memory of the C library's allocator: in_use by the program, free (kept by the "
                   "allocator, not yet given back to the system).",
                   {"state"}, [](SampleSink& sink) {
                     const struct mallinfo2 info = ::mallinfo2();
                     sink.add({"in_use"}, static_cast<double>(info.uordblks + info.hblkhd));
                     sink.add({"free"}, static_cast<double>(info.fordblks));
                   });
#endif
}

}  // namespace lwm2m::metrics
