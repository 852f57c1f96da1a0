#pragma once
// What GET /health (liveness) and GET /ready (readiness) report: snapshots
// taken on the gateway's I/O thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/api/storage.h"

namespace lwm2m::gateway::api {

// The MQTT outbox: QoS >= 1 messages the broker has not acknowledged yet.
struct MqttOutboxHealth {
  std::size_t waiting = 0;      // stored, not yet acknowledged
  std::uint64_t published = 0;  // acknowledged since start
  std::uint64_t dropped = 0;    // dropped by mqtt.outbox_limit (oldest first) since start
  std::uint64_t rejected = 0;   // refused by the broker, or unpublishable, since start
};

// The DTLS listener (coaps.*): sessions now and handshakes since start.
struct DtlsHealth {
  std::size_t sessions = 0;            // established now
  std::size_t handshakesInProgress = 0;
  std::uint64_t handshakes = 0;        // completed, full or resumed
  std::uint64_t failedHandshakes = 0;
};

// A UDP listener devices reach (coap, coaps, bootstrap, bootstrap_dtls).
struct ListenerHealth {
  std::string name;
  std::string address;                  // "0.0.0.0:5683"
  std::uint64_t receiveBufferBytes = 0;  // SO_RCVBUF as the kernel reports it (Linux: twice the size set)
  std::uint64_t dropped = 0;             // datagrams the kernel dropped (receive buffer full) since start
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

// The gateway's storage: its condition now, and a damaged database moved
// aside at start (a flag that stays until the next start).
struct StorageHealth {
  StorageCondition condition;
  std::optional<DamagedDatabase> damaged;
  bool degraded() const { return condition.state != StorageState::Ok || damaged.has_value(); }
};

struct HealthReport {
  std::string version;          // the gateway's version, e.g. "0.1.0"
  std::chrono::seconds uptime{0};
  std::size_t devices = 0;      // registered devices
  bool mqttConnected = false;   // the MQTT bridge has a live broker session
  std::optional<MqttOutboxHealth> mqttOutbox;  // absent: not reported
  std::optional<std::size_t> queuedRequests;   // waiting for their device; absent: not reported
  std::optional<DtlsHealth> dtls;              // absent: DTLS not enabled
  std::vector<WebhookHealth> webhooks;         // one per configured webhook
  std::optional<EventStreamHealth> eventStreams;  // absent: not reported
  std::optional<StorageHealth> storage;            // absent: not reported
  std::vector<ListenerHealth> listeners;           // the UDP listeners; empty: not reported
  // What an operator should know while status stays "ok", one sentence each
  // (e.g. datagrams the kernel dropped); empty while there is nothing.
  std::vector<std::string> warnings;
  // "degraded" (instead of "ok") while something needs an operator's eye; the
  // gateway still runs. Today: the storage.
  bool degraded() const { return storage && storage->degraded(); }
};

// One condition the gateway needs to do its job.
struct ReadinessCheck {
  std::string name;    // "storage", "mqtt"
  bool ready = false;
  std::string detail;  // what was seen, e.g. "last probe committed 2 s ago", "not connected to tcp://…"
};

// Ready when every check is; a check that is not required is left out.
struct ReadinessReport {
  std::vector<ReadinessCheck> checks;
  bool ready() const {
    for (const auto& c : checks) {
      if (!c.ready) return false;
    }
    return true;
  }
};

// Their JSON shapes: bridges/http/rest_json.h.

}  // namespace lwm2m::gateway::api
