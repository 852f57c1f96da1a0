#pragma once
// Wall-clock times as stored in the database: milliseconds since the Unix epoch.

#include <chrono>
#include <cstdint>

namespace lwm2m::gateway {

inline std::int64_t unixMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline std::chrono::system_clock::time_point fromUnixMs(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace lwm2m::gateway
