#pragma once
// What the operations endpoints read from the running gateway: GET /health
// (liveness and counters), GET /ready (can it do its job) and the metrics
// (GET /metrics). References into the composition root's parts, read on the
// I/O thread only, at the moment a report is asked for.

#include <chrono>
#include <string>

#include "bridges/mqtt/mqtt_bridge.h"
#include "gateway/api/health.h"
#include "gateway/core/device_presence.h"
#include "gateway/core/mapping_rules.h"
#include "gateway/core/request_queue.h"
#include "gateway/core/storage_probe.h"
#include "gateway/core/storage_reserve.h"
#include "gateway/daemon/listener_sockets.h"
#include "lwm2m/coap/dtls_transport.h"
#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/server/registration_store.h"
#include "lwm2m/server/uplink_dispatcher.h"
#include "metrics/registry.h"
#include "persistence/database.h"

namespace lwm2m::gateway {

struct GatewayState {
  std::string version;
  std::chrono::steady_clock::time_point startedAt;      // for the uptime
  std::chrono::system_clock::time_point startedAtWall;  // process_start_time_seconds
  const coap::Scheduler& clock;
  const server::RegistrationStore& registrations;
  const DevicePresence& presence;
  const RequestQueue& queue;
  const coap::Endpoint& endpoint;
  const coap::DtlsTransport* dtls;  // null: coaps disabled
  const bridges::mqtt::MqttBridge& mqtt;
  std::string mqttUri;              // for the readiness detail
  bool mqttRequiredForReady = true; // mqtt.required_for_ready
  const persistence::Database& database;
  const StorageProbe& storage;
  const StorageReserve& reserve;
  const ListenerSockets& sockets;   // the UDP listeners: buffer sizes, kernel drops
  const server::UplinkDispatcher& dispatcher;  // requests shed under overload
};

// Registers the families read from `state` at exposition time (see the
// table in README.md, "Metrics"): registrations by state, the request queue,
// CoAP (with each UDP listener's buffer and kernel drops), DTLS, MQTT,
// storage, build and process information. `registry` and
// `state` must outlive every rendering.
void addGatewayMetrics(metrics::Registry& registry, const GatewayState& state);

// The mapping reloads: lwm2m_gateway_mapping_reloads_total{result} and
// lwm2m_gateway_mapping_reload_refused (1 while the latest was refused).
void addMappingMetrics(metrics::Registry& registry, const MappingRules& rules);

api::HealthReport healthReport(const GatewayState& state);
// storage (StorageProbe and StorageReserve: not ready while Full), and mqtt
// unless mqtt.required_for_ready is false.
api::ReadinessReport readinessReport(const GatewayState& state);

}  // namespace lwm2m::gateway
