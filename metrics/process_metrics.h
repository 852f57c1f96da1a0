#pragma once
// The process metrics every Prometheus client library exports, under their
// usual names, read from /proc/self when rendered (Linux):
//   process_start_time_seconds      gauge, unix time the process started
//   process_cpu_seconds_total       counter, user + system CPU time
//   process_resident_memory_bytes   gauge
//   process_open_fds                gauge
//   process_heap_bytes{state}       gauge, glibc's heap: in_use, free (kept, not returned)
// Where /proc cannot be read, the value is NaN rather than a wrong number.

#include <chrono>

#include "metrics/registry.h"

namespace lwm2m::metrics {

void addProcessMetrics(Registry& registry, std::chrono::system_clock::time_point startedAt);

}  // namespace lwm2m::metrics
