#pragma once
// Process-wide logging: spdlog's default logger writing to stderr, one line per
// record with a UTC timestamp and the level, e.g.
//   2026-11-22T04:50:56.123Z [info] MQTT connected to tcp://127.0.0.1:1883
// Under systemd with stderr going to the journal: "<6>MQTT connected to ..."
// (see journal_stream.h).

#include <string>

namespace lwm2m::gateway {

// level: trace, debug, info, warn, error or off (see checkLogLevel); anything
// else is treated as info. May be called again to change the level.
void setupLogging(const std::string& level);

}  // namespace lwm2m::gateway
