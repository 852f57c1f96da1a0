#include "gateway/daemon/gateway_state.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "metrics/process_metrics.h"

namespace lwm2m::gateway {
namespace {

using metrics::MetricType;
using metrics::SampleSink;

double asDouble(std::uint64_t v) { return static_cast<double>(v); }

void addRegistrationMetrics(metrics::Registry& r, const GatewayState& s) {
  r.collect(MetricType::Gauge, "lwm2m_gateway_registered_devices",
            "Registered devices by state (registered: always reachable; awake/asleep: queue mode), LwM2M "
            "version and binding.",
            {"state", "lwm2m_version", "binding"}, [&s](SampleSink& sink) {
              std::map<std::tuple<std::string, std::string, std::string>, double> counts;
              s.registrations.forEach([&](const server::Registration& reg) {
                const char* state = !reg.queueMode ? "registered"
                                    : s.presence.isReachable(reg.endpoint) ? "awake"
                                                                           : "asleep";
                counts[{state, reg.version, reg.binding}] += 1;
              });
              for (const auto& [key, n] : counts) {
                sink.add({std::get<0>(key), std::get<1>(key), std::get<2>(key)}, n);
              }
            });
  r.gaugeFunction("lwm2m_gateway_queued_requests", "Requests waiting for their device (queue mode, asleep).",
                  [&s] { return static_cast<double>(s.queue.size()); });
  r.gaugeFunction("lwm2m_gateway_queued_request_oldest_age_seconds",
                  "Age of the request waiting longest, in seconds (0 when none waits).", [&s] {
                    const auto oldest = s.queue.oldestAcceptedAt();
                    if (!oldest) return 0.0;
                    return std::max(0.0, std::chrono::duration<double>(s.clock.wallNow() - *oldest).count());
                  });
}

void addCoapMetrics(metrics::Registry& r, const GatewayState& s) {
  const coap::Endpoint& e = s.endpoint;
  r.counterFunction("lwm2m_gateway_coap_retransmissions_total",
                    "CoAP confirmable messages sent again for want of an acknowledgement.",
                    [&e] { return asDouble(e.stats().retransmissions); });
  r.counterFunction("lwm2m_gateway_coap_timeouts_total",
                    "CoAP requests to devices that ended without an answer (retransmissions exhausted).",
                    [&e] { return asDouble(e.stats().timeouts); });
  r.counterFunction("lwm2m_gateway_coap_datagrams_received_total", "CoAP datagrams received (UDP and DTLS).",
                    [&e] { return asDouble(e.stats().received); });
  r.counterFunction("lwm2m_gateway_coap_datagrams_sent_total",
                    "CoAP datagrams sent, retransmissions included.", [&e] { return asDouble(e.stats().sent); });
  r.counterFunction("lwm2m_gateway_coap_duplicates_total", "Duplicate CoAP messages received and not handled again.",
                    [&e] { return asDouble(e.stats().duplicates); });
  r.counterFunction("lwm2m_gateway_coap_malformed_total", "Datagrams that were not valid CoAP.",
                    [&e] { return asDouble(e.stats().malformed); });
  r.counterFunction("lwm2m_gateway_coap_resets_total", "CoAP resets (RST) sent or received.",
                    [&e] { return asDouble(e.stats().resets); });
  const ListenerSockets& sockets = s.sockets;
  r.collect(MetricType::Counter, "lwm2m_gateway_coap_datagrams_dropped_total",
            "Datagrams the kernel dropped before the gateway read them (receive buffer full), by UDP listener.",
            {"listener"}, [&sockets](SampleSink& sink) {
              for (const auto& l : sockets.figures()) sink.add({l.name}, asDouble(l.dropped));
            });
  r.collect(MetricType::Gauge, "lwm2m_gateway_coap_receive_buffer_bytes",
            "Receive buffer of each UDP listener's socket as the kernel reports it (Linux: twice the size set, "
            "the other half for its bookkeeping).",
            {"listener"}, [&sockets](SampleSink& sink) {
              for (const auto& l : sockets.figures()) sink.add({l.name}, l.buffers.receiveBytes);
            });
  r.collect(MetricType::Gauge, "lwm2m_gateway_coap_send_buffer_bytes",
            "Send buffer of each UDP listener's socket as the kernel reports it.", {"listener"},
            [&sockets](SampleSink& sink) {
              for (const auto& l : sockets.figures()) sink.add({l.name}, l.buffers.sendBytes);
            });
  r.collect(MetricType::Counter, "lwm2m_gateway_coap_requests_shed_total",
            "Requests from devices answered 5.03 Service Unavailable with Max-Age under overload "
            "(lwm2m.overload_pending_writes), by request (register, send).",
            {"request"}, [&d = s.dispatcher](SampleSink& sink) {
              sink.add({"register"}, asDouble(d.shed().registers));
              sink.add({"send"}, asDouble(d.shed().sends));
            });
  r.gaugeFunction("lwm2m_gateway_coap_pending_requests",
                  "Requests and observations to devices awaiting an answer or a notification.",
                  [&e] { return static_cast<double>(e.load().pendingRequests); });
  r.gaugeFunction("lwm2m_gateway_coap_remembered_messages",
                  "Messages from devices kept to recognise their retransmissions (CoAP exchange lifetime; "
                  "dropped once their device left) and partial Block1 bodies.",
                  [&e] { return static_cast<double>(e.load().rememberedMessages); });
  r.gaugeFunction("lwm2m_gateway_coap_notifying_peers",
                  "Devices whose last few Non-confirmable notifications are kept to recognise copies "
                  "(for NON_LIFETIME after their newest one).",
                  [&e] { return static_cast<double>(e.load().notifyingPeers); });
}

void addDtlsMetrics(metrics::Registry& r, const coap::DtlsTransport& d) {
  r.collect(MetricType::Counter, "lwm2m_gateway_dtls_handshakes_total",
            "DTLS handshakes by result (full, resumed, failed).", {"result"}, [&d](SampleSink& sink) {
              const auto& c = d.counters();
              sink.add({"full"}, asDouble(c.fullHandshakes));
              sink.add({"resumed"}, asDouble(c.resumedHandshakes));
              sink.add({"failed"}, asDouble(c.failedHandshakes));
            });
  r.gaugeFunction("lwm2m_gateway_dtls_sessions", "Established DTLS sessions.",
                  [&d] { return static_cast<double>(d.sessionCount()); });
  r.gaugeFunction("lwm2m_gateway_dtls_handshakes_in_progress", "DTLS handshakes started and not finished.",
                  [&d] { return static_cast<double>(d.handshakeCount()); });
  r.counterFunction("lwm2m_gateway_dtls_hello_verify_requests_total",
                    "DTLS cookies sent (HelloVerifyRequest, no state kept).",
                    [&d] { return asDouble(d.counters().helloVerifyRequests); });
  r.collect(MetricType::Counter, "lwm2m_gateway_dtls_sessions_ended_total",
            "DTLS sessions ended, by reason (closed_by_peer, expired: idle or evicted).", {"reason"},
            [&d](SampleSink& sink) {
              sink.add({"closed_by_peer"}, asDouble(d.counters().closedByPeer));
              sink.add({"expired"}, asDouble(d.counters().expired));
            });
  r.counterFunction("lwm2m_gateway_dtls_dropped_datagrams_total",
                    "Datagrams dropped by the DTLS layer (not DTLS, no session, or over a bound).",
                    [&d] { return asDouble(d.counters().droppedDatagrams); });
}

void addMqttMetrics(metrics::Registry& r, const GatewayState& s) {
  const auto& m = s.mqtt;
  r.gaugeFunction("lwm2m_gateway_mqtt_connected", "1 while the MQTT broker session is up, else 0.",
                  [&m] { return m.connected() ? 1.0 : 0.0; });
  r.counterFunction("lwm2m_gateway_mqtt_messages_published_total",
                    "MQTT messages acknowledged by the broker (QoS >= 1) or sent (QoS 0).",
                    [&m] { return asDouble(m.stats().published); });
  r.collect(MetricType::Counter, "lwm2m_gateway_mqtt_publish_failures_total",
            "MQTT messages not published, by reason (rejected: refused by the broker or not publishable; "
            "discarded: QoS 0 while disconnected).",
            {"reason"}, [&m](SampleSink& sink) {
              const auto stats = m.stats();
              sink.add({"rejected"}, asDouble(stats.rejected));
              sink.add({"discarded"}, asDouble(stats.discarded));
            });
  r.counterFunction("lwm2m_gateway_mqtt_connect_failures_total",
                    "MQTT connection attempts that failed (broker unreachable, refused, or TLS), first connection "
                    "included.",
                    [&m] { return asDouble(m.stats().connectFailures); });
  r.gaugeFunction("lwm2m_gateway_mqtt_outbox_messages",
                  "QoS >= 1 messages stored and not yet acknowledged by the broker (in flight included).",
                  [&m] { return static_cast<double>(m.stats().waiting); });
  r.counterFunction("lwm2m_gateway_mqtt_outbox_dropped_total",
                    "Messages dropped from the MQTT outbox at its bound (mqtt.outbox_limit, oldest first).",
                    [&m] { return asDouble(m.stats().dropped); });
}

void addStorageMetrics(metrics::Registry& r, const GatewayState& s) {
  r.gaugeFunction("lwm2m_gateway_storage_writable",
                  "1 while the latest storage probe write committed in time, else 0.",
                  [&s] { return s.storage.writable() ? 1.0 : 0.0; });
  r.counterFunction("lwm2m_gateway_storage_probe_failures_total", "Storage probe writes that failed.",
                    [&s] { return asDouble(s.storage.failures()); });
  r.gaugeFunction("lwm2m_gateway_storage_probe_duration_seconds",
                  "Time the latest successful storage probe took to commit, in seconds.",
                  [&s] { return s.storage.lastCommitSeconds(); });
  r.counterFunction("lwm2m_gateway_storage_writes_total", "Database writes finished (committed or failed).",
                    [&s] { return asDouble(s.database.writerStats().completed); });
  r.counterFunction("lwm2m_gateway_storage_write_failures_total", "Database writes that failed.",
                    [&s] { return asDouble(s.database.writerStats().failed); });
  r.counterFunction("lwm2m_gateway_storage_transactions_total", "Database transactions (group commits).",
                    [&s] { return asDouble(s.database.writerStats().transactions); });
  r.gaugeFunction("lwm2m_gateway_storage_writes_pending", "Database writes submitted and not yet committed.",
                  [&s] { return asDouble(s.database.writerStats().pending); });
  r.gaugeFunction("lwm2m_gateway_storage_free_bytes",
                  "Room the database may still take (filesystem free space, or below storage.max_size_kb).",
                  [&s] {
                    const auto& free = s.reserve.condition().freeBytes;
                    return free ? asDouble(*free) : std::nan("");
                  });
  r.gaugeFunction("lwm2m_gateway_storage_full",
                  "1 while the free room is below storage.reserve_kb (new commands refused), else 0.",
                  [&s] { return s.reserve.full() ? 1.0 : 0.0; });
  r.counterFunction("lwm2m_gateway_storage_refused_total", "Commands refused with storage_full.",
                    [&s] { return asDouble(s.reserve.refused()); });
  r.counterFunction("lwm2m_gateway_storage_checkpoints_total",
                    "Write-ahead log checkpoints run to keep the log within its bound.",
                    [&s] { return asDouble(s.reserve.checkpoints()); });
  r.gaugeFunction("lwm2m_gateway_storage_damaged_database",
                  "1 when a damaged database was moved aside at start (storage.on_damaged), else 0.",
                  [&s] { return s.database.movedAside() ? 1.0 : 0.0; });
}

}  // namespace

void addMappingMetrics(metrics::Registry& r, const MappingRules& rules) {
  r.collect(MetricType::Counter, "lwm2m_gateway_mapping_reloads_total",
            "Mapping reloads by result (applied; refused: the rules in force stayed).", {"result"},
            [&rules](SampleSink& sink) {
              const auto stats = rules.reloadStats();
              sink.add({"applied"}, asDouble(stats.applied));
              sink.add({"refused"}, asDouble(stats.refused));
            });
  r.gaugeFunction("lwm2m_gateway_mapping_reload_refused",
                  "1 while the latest mapping reload was refused (the previous rules are in force), else 0.",
                  [&rules] { return rules.reloadStats().lastError.empty() ? 0.0 : 1.0; });
}

void addGatewayMetrics(metrics::Registry& r, const GatewayState& s) {
  r.collect(MetricType::Gauge, "lwm2m_gateway_build_info", "The gateway's version, as a label; the value is 1.",
            {"version"}, [version = s.version](SampleSink& sink) { sink.add({version}, 1); });
  r.gaugeFunction("lwm2m_gateway_ready", "1 while GET /ready answers 200, else 0.",
                  [&s] { return readinessReport(s).ready() ? 1.0 : 0.0; });
  addRegistrationMetrics(r, s);
  addCoapMetrics(r, s);
  if (s.dtls) addDtlsMetrics(r, *s.dtls);
  addMqttMetrics(r, s);
  addStorageMetrics(r, s);
  metrics::addProcessMetrics(r, s.startedAtWall);
}

}  // namespace lwm2m::gateway
