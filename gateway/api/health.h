#pragma once
// What GET /health reports: a snapshot taken on the gateway's I/O thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lwm2m::gateway::api {

// The MQTT outbox: QoS >= 1 messages the broker has not acknowledged yet.
struct MqttOutboxHealth {
  std::size_t waiting = 0;      // stored, not yet acknowledged
  std::uint64_t published = 0;  // acknowledged since start
  std::uint64_t dropped = 0;    // dropped by mqtt.outbox_limit (oldest first) since start
  std::uint64_t rejected = 0;   // refused by the broker, or unpublishable, since start
};

// One webhook (bridges/webhook/webhook_queue.h counts).
struct WebhookHealth {
  std::string name;
  std::size_t waiting = 0;           // stored, not yet delivered (in flight included)
  std::uint64_t delivered = 0;       // answered 2xx since start
  std::uint64_t retries = 0;         // failed POSTs tried again since start
  std::uint64_t dropped = 0;         // dropped by webhooks.outbox_limit since start
  std::uint64_t deadLettered = 0;    // refused with a final 4xx since start
};

// GET /api/v1/events.
struct EventStreamHealth {
  std::size_t open = 0;        // streams open now
  std::uint64_t opened = 0;    // since start
  std::uint64_t cutOff = 0;    // slow readers cut off since start
};

struct HealthReport {
  std::string version;          // the gateway's version, e.g. "0.1.0"
  std::chrono::seconds uptime{0};
  std::size_t devices = 0;      // registered devices
  bool mqttConnected = false;   // the MQTT bridge has a live broker session
  std::optional<MqttOutboxHealth> mqttOutbox;  // absent: not reported
  std::vector<WebhookHealth> webhooks;         // one per configured webhook
  std::optional<EventStreamHealth> eventStreams;  // absent: not reported
};

// Its JSON shape: bridges/http/rest_json.h.

}  // namespace lwm2m::gateway::api
