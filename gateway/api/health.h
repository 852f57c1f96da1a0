#pragma once
// What GET /health reports: a snapshot taken on the gateway's I/O thread.

#include <chrono>
#include <cstddef>
#include <string>

namespace lwm2m::gateway::api {

struct HealthReport {
  std::string version;          // the gateway's version, e.g. "0.1.0"
  std::chrono::seconds uptime{0};
  std::size_t devices = 0;      // registered devices
  bool mqttConnected = false;   // the MQTT bridge has a live broker session
};

// {"status":"ok","version":"0.1.0","uptime":12,"devices":3,"mqtt":"connected"}
// "mqtt" is "connected" or "disconnected"; "status" is always "ok" while the
// process answers (a broker outage degrades the bridge, not the gateway).
std::string toJson(const HealthReport& health);

}  // namespace lwm2m::gateway::api
