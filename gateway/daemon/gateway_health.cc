#include "gateway/daemon/gateway_state.h"

#include <algorithm>

namespace lwm2m::gateway {

api::HealthReport healthReport(const GatewayState& s) {
  api::HealthReport health;
  health.version = s.version;
  health.uptime = std::chrono::duration_cast<std::chrono::seconds>(s.clock.now() - s.startedAt);
  health.devices = s.registrations.size();
  health.mqttConnected = s.mqtt.connected();
  const auto link = s.mqtt.stats();
  health.mqttOutbox = api::MqttOutboxHealth{link.waiting, link.published, link.dropped, link.rejected};
  health.queuedRequests = s.queue.size();
  if (s.dtls) {
    const auto& c = s.dtls->counters();
    health.dtls = api::DtlsHealth{s.dtls->sessionCount(), s.dtls->handshakeCount(),
                                  c.fullHandshakes + c.resumedHandshakes, c.failedHandshakes};
  }
  api::StorageHealth storage{s.reserve.condition(), std::nullopt};
  if (const auto& moved = s.database.movedAside()) {
    storage.damaged = api::DamagedDatabase{moved->movedTo.string(), moved->reason, moved->at};
  }
  health.storage = std::move(storage);
  for (const ListenerFigures& l : s.sockets.figures()) {
    health.listeners.push_back(
        {l.name, l.address, static_cast<std::uint64_t>(std::max(l.buffers.receiveBytes, 0)), l.dropped});
    if (l.dropped > 0) {
      health.warnings.push_back(l.name + " listener " + l.address + ": " + std::to_string(l.dropped) +
                                " datagrams dropped by the kernel since start (receive buffer full); raise "
                                "coap.receive_buffer_kb");
    }
  }
  return health;
}

api::ReadinessReport readinessReport(const GatewayState& s) {
  api::ReadinessReport report;
  if (s.reserve.full()) {
    report.checks.push_back({"storage", false, s.reserve.condition().reason});
  } else {
    report.checks.push_back({"storage", s.storage.writable(), s.storage.detail()});
  }
  if (s.mqttRequiredForReady) {
    const bool connected = s.mqtt.connected();
    report.checks.push_back(
        {"mqtt", connected, (connected ? "connected to " : "not connected to ") + s.mqttUri});
  }
  return report;
}

}  // namespace lwm2m::gateway
