#pragma once
// What GET /health reports: a snapshot taken on the gateway's I/O thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace lwm2m::gateway::api {

// The MQTT outbox: QoS >= 1 messages the broker has not acknowledged yet.
struct MqttOutboxHealth {
  std::size_t waiting = 0;      // stored, not yet acknowledged
  std::uint64_t published = 0;  // acknowledged since start
  std::uint64_t dropped = 0;    // dropped by mqtt.outbox_limit (oldest first) since start
  std::uint64_t rejected = 0;   // refused by the broker, or unpublishable, since start
};

struct HealthReport {
  std::string version;          // the gateway's version, e.g. "0.1.0"
  std::chrono::seconds uptime{0};
  std::size_t devices = 0;      // registered devices
  bool mqttConnected = false;   // the MQTT bridge has a live broker session
  std::optional<MqttOutboxHealth> mqttOutbox;  // absent: not reported
};

// Its JSON shape: bridges/http/rest_json.h.

}  // namespace lwm2m::gateway::api
