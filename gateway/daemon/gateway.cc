#include "gateway/daemon/gateway.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "bridges/http/event_ring.h"
#include "bridges/http/event_stream.h"
#include "bridges/http/http_server.h"
#include "bridges/http/operations_routes.h"
#include "bridges/webhook/webhook_bridge.h"
#include "bridges/http/firmware_routes.h"
#include "bridges/http/package_fetcher.h"
#include "bridges/mqtt/status_topics.h"
#include "bridges/mqtt/mqtt_bridge.h"
#include "bridges/mqtt/downlink.h"
#include "bridges/mqtt/uplink.h"
#include "gateway/core/auto_observer.h"
#include "gateway/daemon/command_line.h"
#include "gateway/daemon/bootstrap_service.h"
#include "gateway/daemon/credential_admin.h"
#include "gateway/daemon/device_listeners.h"
#include "gateway/daemon/heap_trim.h"
#include "gateway/daemon/startup_pages.h"
#include "gateway/daemon/http_security.h"
#include "gateway/core/mapping_rules.h"
#include "gateway/core/object_definitions.h"
#include "gateway/core/device_event_fanout.h"
#include "gateway/core/device_hub.h"
#include "lwm2m/server/departures_to_endpoint.h"
#include "gateway/core/device_command_service.h"
#include "gateway/core/device_presence.h"
#include "gateway/core/legacy_queue_rows.h"
#include "gateway/core/queue_mode_sender.h"
#include "gateway/daemon/mqtt_outbox.h"
#include "gateway/core/device_event_metrics.h"
#include "gateway/daemon/webhook_outbox.h"
#include "gateway/core/device_reports.h"
#include "gateway/core/storage_admission.h"
#include "gateway/core/storage_probe.h"
#include "gateway/core/storage_reserve.h"
#include "gateway/core/backlog_admission.h"
#include "gateway/daemon/storage_setup.h"
#include "gateway/daemon/gateway_state.h"
#include "gateway/daemon/publish_timing.h"
#include "gateway/core/request_queue.h"
#include "gateway/core/device_registry.h"
#include "gateway/core/firmware_service.h"
#include "gateway/core/package_spool.h"
#include "gateway/core/value_cache.h"
#include "gateway/core/value_snapshot.h"
#include "gateway/core/observation_persistence.h"
#include "gateway/core/registration_persistence.h"
#include "gateway/daemon/systemd_notify.h"
#include "lwm2m/coap/asio_scheduler.h"
#include "lwm2m/coap/endpoint.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/server/observation_registry.h"
#include "lwm2m/server/package_resource.h"
#include "lwm2m/server/registration_interface.h"
#include "lwm2m/server/request_sender.h"
#include "lwm2m/server/send_handler.h"
#include "lwm2m/server/uplink_dispatcher.h"
#include "persistence/database.h"

namespace lwm2m::gateway {
namespace {

boost::asio::ip::tcp::endpoint httpBindAddress(const std::string& listen) {
  auto parsed = parseListenAddress(listen);
  if (!parsed) throw std::runtime_error("http.listen " + listen + ": " + parsed.error().message);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(parsed->host, ec);
  if (ec) throw std::runtime_error("http.listen " + listen + ": not an IP address");
  return {address, parsed->port};
}

server::RegistrationSettings registrationSettings(const Lwm2mConfig& c) {
  server::RegistrationSettings s;
  s.policy.strictVersion = c.strictVersion;
  s.policy.minLifetime = c.minLifetimeSeconds;
  s.policy.maxLifetime = c.maxLifetimeSeconds;
  s.lifetimeGrace = std::chrono::seconds(c.lifetimeGraceSeconds);
  return s;
}

bridges::mqtt::MqttSettings mqttSettings(const GatewayConfig& config) {
  const MqttConfig& c = config.mqtt;
  bridges::mqtt::MqttSettings s;
  s.uri = c.uri;
  s.clientId = c.clientId;
  s.username = c.username;
  s.password = c.password;
  s.version = c.version == "3.1.1" ? bridges::mqtt::MqttVersion::V311 : bridges::mqtt::MqttVersion::V5;
  s.sessionExpiry = c.sessionExpiry;
  s.statusTopic = bridges::mqtt::expandStatusTopic(c.statusTopic, config.gateway.id);
  s.deviceStatusTopic = c.deviceStatusTopic;
  s.qos = c.qos;
  s.keepalive = c.keepalive;
  s.reconnectMin = c.reconnectMin;
  s.reconnectMax = c.reconnectMax;
  s.outboxLimit = c.outboxLimit;
  s.maxInflight = c.maxInflight;
  s.tcpNoDelay = c.tcpNoDelay;
  s.caFile = c.caFile;
  s.certFile = c.certFile;
  s.keyFile = c.keyFile;
  return s;
}

// The URI devices in pull mode fetch packages from: firmware.pull_uri, else
// coap.listen when it names one address; empty: no pull mode.
std::string pullUri(const GatewayConfig& config) {
  if (!config.firmware.pullUri.empty()) return config.firmware.pullUri;
  auto listen = parseListenAddress(config.coap.listen);
  if (!config.coap.enabled || !listen || listen->port == 0 || listen->host == "0.0.0.0" || listen->host == "::") {
    return {};
  }
  return "coap://" + config.coap.listen;
}

FirmwareSettings firmwareSettings(const GatewayConfig& config) {
  FirmwareSettings s;
  s.allowedDir = config.firmware.allowedDir;
  s.pullUri = pullUri(config);
  s.retention = config.firmware.retention;
  s.defaultTtl = QueueSettings{}.defaultTtl;
  s.blockSize = config.coap.blockSize;
  return s;
}

bridges::http::EventStreamSettings eventStreamSettings(const EventsConfig& c) {
  bridges::http::EventStreamSettings s;
  s.limits.maxBufferBytes = std::size_t{c.maxBufferKb} * 1024;
  s.limits.heartbeat = c.heartbeat;
  s.limits.writeTimeout = std::max(std::chrono::seconds(60), 2 * c.heartbeat);
  s.maxStreams = c.maxStreams;
  return s;
}

// Event ids of this run start above those of every earlier run (event_ring.h).
std::uint64_t firstEventId(const coap::Scheduler& clock) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(clock.wallNow().time_since_epoch()).count();
  return static_cast<std::uint64_t>(std::max<std::int64_t>(seconds, 0)) * 1000000;
}

bridges::webhook::WebhooksSettings webhooksSettings(const GatewayConfig& config) {
  bridges::webhook::WebhooksSettings s;
  s.outboxLimit = config.webhooks.outboxLimit;
  s.retryMin = config.webhooks.retryMin;
  s.retryMax = config.webhooks.retryMax;
  s.gatewayId = config.gateway.id;
  s.userAgent = "lwm2m-gateway/" + std::string(gatewayVersion());
  for (const WebhookTargetConfig& t : config.webhooks.targets) {
    bridges::webhook::WebhookSettings& w = s.webhooks.emplace_back();
    w.name = t.name.empty() ? t.url : t.name;
    w.url = t.url;
    for (const std::string& kind : t.events) {
      if (auto k = api::parseDeviceEventKind(kind)) w.kinds.push_back(*k);
    }
    w.endpoint = t.endpoint;
    w.secret = t.secret;
    w.caFile = t.caFile;
    w.timeout = t.timeout;
    w.headers = t.headers;
  }
  return s;
}

// How often the history past its maximum age is looked for: a quarter of the
// shorter age, from 1 s to 60 s.
std::chrono::milliseconds historySweepPeriod(const GatewayConfig& config) {
  std::chrono::seconds shortest{60 * 4};
  for (auto age : {config.events.ringMaxAge, config.http.finishedRequestsMaxAge}) {
    if (age.count() > 0) shortest = std::min(shortest, age);
  }
  return std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::seconds(1), std::chrono::seconds(60));
}

}  // namespace

// Members are declared in construction order; destruction runs in reverse, so
// the bridges go before the server state they look at.
struct Gateway::Parts {
  explicit Parts(const GatewayConfig& config)
      : database(openGatewayDatabase(config.storage)),
        scheduler(io),
        rng(std::random_device{}()),
        sockets(scheduler, config.coap),
        listeners(io, scheduler, config, sockets),
        credentialAdmin(listeners.credentials()),
        endpoint(listeners.transport(), scheduler, transmissionParameters(config.coap), [this] { return rng(); }),
        registration(scheduler, registrationSettings(config.lwm2m), [this] { return rng(); }),
        dispatcher(registration),
        writeBacklog(Backlog{[this] { return static_cast<std::size_t>(database->writerStats().pending); },
                             "database writes wait for the disk", "lwm2m.overload_pending_writes"},
                     BacklogAdmission::Settings{config.lwm2m.overloadPendingWrites,
                                                std::chrono::seconds(config.lwm2m.overloadRetrySeconds)},
                     [this] { return rng(); }),
        receiveBacklog(Backlog{[this] { return std::size_t{sockets.fullestReceiveQueuePercent()}; },
                               "% of a device listener's receive buffer is queued",
                               "lwm2m.overload_receive_queue_percent"},
                       BacklogAdmission::Settings{
                           config.lwm2m.overloadReceiveQueuePercent,
                           std::chrono::seconds(config.lwm2m.overloadReceiveQueueRetrySeconds)},
                       [this] { return rng(); }),
        overload{&writeBacklog, &receiveBacklog},
        persistence(database->registrations(), scheduler),
        registry(registration.registrations(), scheduler),
        presence(scheduler, awakeWindow(config)),
        presenceFeed(presence),
        fanout(scheduler, registration.registrations()),
        definitions(config.lwm2m.models),
        observations(endpoint, scheduler, registration, definitions.source()),
        observationPersistence(database->observations(), scheduler),
        sender(endpoint, scheduler, registration, observations, definitions.source(), [this] { return rng(); }),
        send(scheduler, registration, definitions.source()),
        reports(presence, registry, scheduler, [this](const api::DeviceEvent& e) { publishEvent(e); }),
        queue(database->requestQueue(), scheduler, QueueSettings{},
              [this](const std::string& ep) { return presence.isReachable(ep); },
              [this](const QueuedRequest& r, std::function<void(DeliveryResult)> done) {
                queueMode.deliver(r, std::move(done));
              },
              [this](std::function<void()> f) { boost::asio::post(io, std::move(f)); }, [this] { return rng(); }),
        queueMode(queue, sender, presence),
        commands(queue, queueMode, registry, scheduler,
                 [this](const api::DeviceEvent& e) { publishStepEvent(e); }),
        storageReserve(
            scheduler, storageReserveSettings(config.storage),
            [this, dir = std::filesystem::path(config.storage.dataDir)] { return measureSpace(*database, dir); },
            [this](std::function<void(Result<void>)> done) { database->checkpoint(std::move(done)); },
            [this](std::function<void()> f) { boost::asio::post(io, std::move(f)); },
            [this] { return storageProbe.problem(); }),
        admission(commands, storageReserve),
        packages(std::filesystem::path(config.storage.dataDir) / "firmware", config.firmware.maxSize),
        packageResource(packages, config.coap.blockSize),
        fetcher(io, config.firmware.caFile, config.firmware.maxSize),
        firmware(admission, packages, registry, scheduler, firmwareSettings(config),
                 [this](const api::DeviceEvent& e) { publishEvent(e); },
                 config.firmware.allowDownloads ? FirmwareService::Fetch(
                     [this](const std::string& url, std::unique_ptr<api::PackageUpload> upload,
                            std::function<void(Result<api::PackageInfo>)> done) {
                       fetcher.fetch(url, std::move(upload), std::move(done));
                     })
                                                : FirmwareService::Fetch()),
        mappingRules(config.mapping.path, definitions.source(), scheduler, mapping::LoadPolicy{config.mapping.allowEmpty}),
        // Not behind the reserve: its observations, like registration updates,
        // are the small writes the reserve is kept for.
        autoObserver(commands, definitions.source(), scheduler),
        hub({persistence, fanout, presenceFeed, observations, queueMode, send, autoObserver}),
        departures(endpoint),
        eventMetrics(metricsRegistry, scheduler),
        mqttOutbox(database->outbox()),
        timedOutbox(mqttOutbox, metricsRegistry, scheduler),
        mqtt(io, mqttSettings(config), &timedOutbox),
        mqttUplink(definitions.source(), config.mqtt.clientId, scheduler,
                   [this](mapping::OutboundMessage m) { mqtt.publish(std::move(m)); }),
        timedUplink(mqttUplink, timedOutbox, scheduler),
        mqttDownlink(definitions.source(), firmware, [this](mapping::OutboundMessage m) { mqtt.publish(std::move(m)); }),
        values(config.http.valueCacheEntries, config.http.valueCachePersist),
        valueSnapshot(config.http.valueCachePersist
                          ? std::make_unique<ValueSnapshot>(
                                values, std::filesystem::path(config.storage.dataDir) / "latest-values.json", scheduler,
                                config.http.valueCacheSave)
                          : nullptr),
        storageProbe(scheduler, config.storage.probeInterval,
                     [this](std::function<void(Result<void>)> done) { database->probe(std::move(done)); },
                     [this](std::function<void()> f) { boost::asio::post(io, std::move(f)); }),
        startedAt(std::chrono::steady_clock::now()),
        state{std::string(gatewayVersion()), startedAt, std::chrono::system_clock::now(), scheduler,
              registration.registrations(), presence, queue, endpoint, listeners.dtls(), mqtt, config.mqtt.uri,
              config.mqtt.requiredForReady, *database, storageProbe, storageReserve, sockets, dispatcher},
        webhookOutbox(database->webhookOutbox()),
        webhooks(io, scheduler, webhooksSettings(config), webhookOutbox, definitions.source()),
        eventRing(config.events.ring, firstEventId(scheduler), definitions.source(), config.gateway.id),
        eventStream(std::make_shared<bridges::http::EventStream>(eventRing, eventStreamSettings(config.events))),
        httpSecurity(httpServerSettings(config.http)),
        http(io, httpBindAddress(config.http.listen), restServices(config), httpSecurity),
        signals(io, SIGINT, SIGTERM),
        reloadSignal(io, SIGHUP),
        systemd(scheduler, ServiceNotifier::fromEnvironment()) {}

  // Before any member goes: every submitted write is committed while the
  // io_context its completions post into still exists; the lifetime
  // refreshes gathered last are among them.
  ~Parts() {
    persistence.flush();
    database->close();
  }

  std::unique_ptr<persistence::Database> database;  // closed by ~Parts, destroyed last
  metrics::Registry metricsRegistry;  // before every part whose metrics it holds
  boost::asio::io_context io;
  coap::AsioScheduler scheduler;
  std::mt19937 rng;
  ListenerSockets sockets;  // the UDP sockets of `listeners` and `bootstrap`: buffer sizes, kernel drops
  DeviceListeners listeners;
  StoreCredentialAdmin credentialAdmin;  // /api/v1/credentials, on the store DTLS reads
  coap::Endpoint endpoint;
  server::RegistrationInterface registration;
  server::UplinkDispatcher dispatcher;
  BacklogAdmission writeBacklog;    // sheds new Registers and Sends while database writes pile up
  BacklogAdmission receiveBacklog;  // ... and while datagrams pile up in a listener's receive queue
  server::AdmissionChain overload;
  RegistrationPersistence persistence;
  DeviceRegistry registry;
  DevicePresence presence;
  PresenceFeed presenceFeed;
  DeviceEventFanout fanout;
  ObjectDefinitions definitions;  // the object model in force (lwm2m.models)
  std::unique_ptr<BootstrapService> bootstrap;  // bootstrap.enabled only
  server::ObservationRegistry observations;
  ObservationPersistence observationPersistence;
  server::RequestSender sender;
  server::SendHandler send;
  DeviceReports reports;
  RequestQueue queue;
  QueueModeSender queueMode;
  DeviceCommandService commands;
  StorageReserve storageReserve;  // free room for the database: refuses commands below the reserve
  StorageAdmission admission;     // `commands` behind the reserve: what the bridges' commands go through
  PackageSpool packages;
  server::PackageResource packageResource;
  bridges::http::PackageFetcher fetcher;
  FirmwareService firmware;  // the DeviceOps of the bridges: stores packages, follows transfers
  MappingRules mappingRules;
  AutoObserver autoObserver;
  DeviceHub hub;  // the one listener of registration and presence events
  server::DeparturesToEndpoint departures;  // after the hub: the endpoint forgets a device that left
  HeapTrim heapTrim{scheduler};              // last: what the others freed goes back to the system
  DeviceEventMetrics eventMetrics;
  MqttOutbox mqttOutbox;
  TimedOutbox timedOutbox;  // mqttOutbox, timing notification → broker acknowledgement
  bridges::mqtt::MqttBridge mqtt;
  bridges::mqtt::MqttUplink mqttUplink;
  TimedUplink timedUplink;  // mqttUplink as the fan-out sees it
  bridges::mqtt::MqttDownlink mqttDownlink;
  ValueCache values;
  std::unique_ptr<ValueSnapshot> valueSnapshot;  // http.value_cache_persist only
  StorageProbe storageProbe;
  std::chrono::steady_clock::time_point startedAt;
  GatewayState state;  // what /health, /ready and /metrics read
  WebhookOutbox webhookOutbox;
  bridges::webhook::WebhookBridge webhooks;
  bridges::http::EventRing eventRing;
  std::shared_ptr<bridges::http::EventStream> eventStream;  // GET /api/v1/events, taken over from `http`
  bridges::http::HttpServerSettings httpSecurity;
  bridges::http::HttpServer http;
  boost::asio::signal_set signals;
  boost::asio::signal_set reloadSignal;
  SystemdService systemd;  // READY/RELOADING/STOPPING and the watchdog, fed from this thread
  std::vector<server::Registration> expiredWhileDown;
  std::vector<api::DeviceEvent> eventsBeforeStart;  // published once the bridges run
  bool running = false;
  bool stopping = false;
  coap::Scheduler::TimerId historyTimer = 0;
  coap::Scheduler::TimerId startupPagesTimer = 0;

  // Every `period`: the events and finished requests past their maximum age
  // (events.ring_max_age_s, http.finished_requests_max_age_s) are dropped, so
  // that what devices long gone did stops taking memory on a quiet gateway.
  void expireHistory(std::chrono::milliseconds period) {
    eventRing.expire();
    http.expireFinished();
    historyTimer = scheduler.schedule(period, [this, period] { expireHistory(period); });
  }

  bridges::http::RestServices restServices(const GatewayConfig& config) {
    bridges::http::RestServices s;
    s.devices = &registry;
    s.health = [this] {
      api::HealthReport health = healthReport(state);
      for (const auto& w : webhooks.stats()) {
        health.webhooks.push_back(
            {w.name, w.counts.depth, w.counts.delivered, w.counts.retries, w.counts.dropped, w.counts.deadLettered});
      }
      const auto streams = eventStream->stats();
      health.eventStreams = api::EventStreamHealth{streams.open, streams.opened, streams.cutOff};
      return health;
    };
    s.commands = &firmware;  // commands, with firmware packages stored first
    s.model = &definitions.source();
    s.models = &definitions;
    s.mapping = &mappingRules;
    s.aliases = [this] { return mappingRules.current(); };
    s.values = &values;
    s.credentials = &credentialAdmin;
    s.bootstrap = [this]() -> api::BootstrapAdmin* { return bootstrap ? &bootstrap->configurations() : nullptr; };
    s.settings.requestTimeout = config.http.requestTimeout;
    s.settings.finishedRequests = config.http.finishedRequests;
    s.settings.finishedRequestsMaxAge = config.http.finishedRequestsMaxAge;
    s.steadyNow = [this] { return scheduler.now(); };
    return s;
  }

  // Events of commands and reports go to the bridges once they run.
  void publishEvent(const api::DeviceEvent& e) {
    if (running) {
      fanout.publish(e);
    } else {
      eventsBeforeStart.push_back(e);
    }
  }
  // A command's queued answer and outcome are told inside the queue's step:
  // the outboxes store them with it, the rest hear of them once it committed.
  void publishStepEvent(const api::DeviceEvent& e) {
    if (!running) return publishEvent(e);
    fanout.publishStep(e, [this](std::function<void()> then) { queue.whenStored(std::move(then)); });
  }
};

Gateway::Gateway(const GatewayConfig& config) {
  parts_ = std::make_unique<Parts>(config);
  Parts& p = *parts_;

  if (auto loaded = p.definitions.load(); !loaded) throw std::runtime_error("lwm2m.models: " + loaded.error().message);
  auto restored = p.persistence.restoreInto(p.registration);
  if (!restored) throw std::runtime_error("cannot read stored registrations: " + restored.error().message);
  for (const std::string& why : restored->unreadable) spdlog::warn("stored registration dropped: {}", why);
  p.expiredWhileDown = std::move(restored->expired);
  p.registration.registrations().forEach(
      [&p](const server::Registration& reg) { p.presenceFeed.restored(reg); });
  spdlog::info("database {}: {} registrations restored, {} expired while the gateway was down",
               p.database->file().string(), restored->registrations, p.expiredWhileDown.size());
  auto observed = p.observationPersistence.restoreInto(p.observations, p.registration.registrations());
  if (!observed) throw std::runtime_error("cannot read stored observations: " + observed.error().message);
  for (const std::string& why : observed->dropped) spdlog::warn("stored observation dropped: {}", why);
  spdlog::info("database {}: {} observations restored, {} dropped", p.database->file().string(),
               observed->observations, observed->dropped.size());
  p.observations.addObservationListener(&p.observationPersistence);
  p.storageReserve.setListener(
      [&p](const api::StorageCondition& c) { p.publishEvent(storageEvent(c, p.scheduler.wallNow())); });
  // Firmware packages share the data directory's disk: they too stop above the reserve.
  p.packages.setRoom([&p] { return p.storageReserve.roomAboveReserve(); });
  if (const auto& moved = p.database->movedAside()) {
    api::StorageCondition damaged{api::StorageState::Damaged, moved->reason, std::nullopt,
                                  p.storageReserve.reserveBytes(), moved->movedTo.string()};
    p.publishEvent(storageEvent(damaged, moved->at));
  }

  p.sender.setDefaultTimeout(std::chrono::seconds(config.lwm2m.requestTimeoutSeconds));
  p.commands.setExpectedEndpoints(config.queue.expectedEndpoints);
  const mapping::CommandLimits commandLimits{config.queue.maxIdBytes, config.queue.maxStringBytes,
                                             config.coap.maxBodySize};
  p.commands.setLimits(commandLimits);
  p.mqttDownlink.setLimits(commandLimits);
  p.endpoint.setBlockSize(config.coap.blockSize);
  p.endpoint.setMaxBodySize(config.coap.maxBodySize);
  p.endpoint.setRequestHandler(
      [&p](const coap::Peer& from, const coap::Message& request, const coap::Endpoint::Responder& respond) {
        p.dispatcher.handle(from, request, respond);
      });
  p.listeners.bind(p.registration);
  p.registration.addListener(&p.hub);
  p.registration.addListener(&p.sender);  // after the hub: requests in flight to a device that left end
  p.registration.addListener(&p.departures);
  p.registration.addListener(&p.heapTrim);
  p.heapTrim.setQuietCheck([&p] { return p.database->writerStats().pending == 0 && p.mqtt.stats().waiting == 0; });
  p.heapTrim.setCacheRelease([&p](std::function<void()> then) {
    p.database->releaseMemory([then = std::move(then)](Result<void> released) {
      if (!released) spdlog::debug("SQLite kept its page cache: {}", released.error().message);
      then();
    });
  });
  p.dispatcher.setSendHandler(&p.send);
  p.dispatcher.setAdmission(&p.overload);
  p.sender.setPackageStore(&p.packages);
  p.sender.setTransferListener([&p](const std::string& endpoint, const operations::DeviceRequest& request,
                                    std::uint64_t acknowledged, std::uint64_t size) {
    p.firmware.onPushed(endpoint, request, acknowledged, size);
  });
  p.dispatcher.setPackageResource(&p.packageResource);
  p.packageResource.setServedListener([&p](const coap::Peer& peer, const std::string& sha256, std::uint64_t end,
                                           std::uint64_t size, std::uint16_t blockSize) {
    p.firmware.onServed(coap::toString(peer), sha256, end, size, blockSize);
  });
  p.send.addListener(&p.reports);
  p.observations.addListener(&p.reports);
  p.presence.addListener(&p.hub);
  p.queue.setListener([&p](const QueueEvent& e) { p.commands.onQueueEvent(e); });
  p.queue.setLegacyRowReader(
      [&p](std::string_view body) { return readLegacyQueuedCommand(body, *p.definitions.objectModel()); });
  auto queued = p.queue.restore();
  if (!queued) throw std::runtime_error("cannot read queued commands: " + queued.error().message);
  if (*queued > 0) spdlog::info("{} queued commands restored", *queued);
  if (auto loaded = p.mappingRules.load(); !loaded) {
    throw std::runtime_error("mapping " + p.mappingRules.source() + ": " + loaded.error().message);
  }
  p.mappingRules.watch(config.mapping.watchInterval, config.mapping.settle);
  // New object definitions: the rules are checked (object and resource names) again.
  p.definitions.addListener([&p] { p.mappingRules.reload("object definitions reloaded"); });
  p.mappingRules.addListener([&p](const std::shared_ptr<const mapping::RuleSet>& rules) {
    p.autoObserver.setRules(rules);
    p.mqttUplink.setRules(rules);
    p.mqttDownlink.setRules(rules);
    p.mqtt.setSubscriptions(rules->subscriptions());
  });
  p.registration.registrations().forEach(
      [&p](const server::Registration& reg) { p.autoObserver.restored(reg); });
  p.mqtt.setInboundHandler([&p](const mapping::InboundMessage& m) { p.mqttDownlink.onInbound(m); });
  p.fanout.subscribe(&p.eventMetrics);
  p.fanout.subscribeStoring(&p.timedUplink);  // the MQTT uplink (its outbox joins the queue's steps)
  p.fanout.subscribe(&p.mqtt);  // retained device status only (mqtt.device_status_topic)
  if (p.valueSnapshot) {
    if (std::size_t restored = p.valueSnapshot->load()) {
      spdlog::info("{} cached values restored from {}", restored, p.valueSnapshot->file().string());
    }
  }
  p.fanout.subscribe(&p.values);
  p.fanout.subscribe(&p.http.events());

  addGatewayMetrics(p.metricsRegistry, p.state);
  p.metricsRegistry.counterFunction("lwm2m_gateway_heap_trims_total",
                                    "Times the heap's free pages were given back to the system after devices left.",
                                    [&p] { return static_cast<double>(p.heapTrim.trims()); });
  p.metricsRegistry.gaugeFunction("lwm2m_gateway_event_history_bytes",
                                  "Memory that the events kept for resuming event streams take (events.ring of them).",
                                  [&p] { return static_cast<double>(p.eventRing.storedBytes()); });
  addMappingMetrics(p.metricsRegistry, p.mappingRules);
  p.http.setOperationsRoutes(std::make_shared<bridges::http::OperationsRoutes>(
      [&p] { return readinessReport(p.state); }, p.metricsRegistry));
  p.fanout.subscribe(&p.eventRing);
  if (config.events.ringMaxAge.count() > 0) {
    p.eventRing.expireAfter(config.events.ringMaxAge, [&p] { return p.scheduler.now(); });
  }
  p.expireHistory(historySweepPeriod(config));
  if (!config.webhooks.targets.empty()) p.fanout.subscribeStoring(&p.webhooks);
  p.http.setTakeover(p.eventStream);
  p.fanout.subscribe(&p.firmware);  // how package transfers end
  p.http.setUploads(std::make_shared<bridges::http::FirmwareRoutes>(p.firmware));

  if (config.bootstrap.enabled) {
    p.bootstrap = std::make_unique<BootstrapService>(
        p.io, p.scheduler, config, p.definitions.objectModel(), p.listeners.credentials(), p.sockets,
        [&p](const api::DeviceEvent& event) { p.fanout.publish(event); });
  }

  spdlog::info("lwm2m-gateway {} starting", gatewayVersion());
  spdlog::info("LwM2M server on {}", p.listeners.describe());
  spdlog::info("requests wait {} s for an answer unless a command says otherwise; queue-mode devices count as "
               "awake for {} ms after each message{}",
               config.lwm2m.requestTimeoutSeconds, awakeWindow(config).count(),
               config.lwm2m.awakeWindowSeconds ? "" : " (derived from the coap.* timers: MAX_TRANSMIT_WAIT)");
  if (p.bootstrap) spdlog::info("LwM2M bootstrap server on {}", p.bootstrap->describe());
  spdlog::info("MQTT broker {}; topics and commands from the mapping ({})", config.mqtt.uri,
               p.mappingRules.source());
  spdlog::info("HTTP API on {} ({})", config.http.listen, describeHttpSecurity(p.httpSecurity));
}

Gateway::~Gateway() = default;

void Gateway::run() {
  Parts& p = *parts_;
  p.signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {} received, shutting down", signal);
    stop();
  });
  waitForReload();
  p.endpoint.start();
  if (p.bootstrap) p.bootstrap->start();
  p.sockets.start();
  p.http.start();
  p.mqtt.start();
  p.storageProbe.start();
  p.storageReserve.start();
  p.webhooks.start();
  if (p.valueSnapshot) p.valueSnapshot->start();
  boost::asio::post(p.io, [&p] {
    p.running = true;
    p.queue.resume();  // its events now reach the bridges, inside its steps
    for (const server::Registration& reg : p.expiredWhileDown) p.fanout.onExpired(reg);
    p.expiredWhileDown.clear();
    for (const api::DeviceEvent& e : p.eventsBeforeStart) p.fanout.publish(e);
    p.eventsBeforeStart.clear();
    p.systemd.ready("serving on " + p.listeners.describe());
    // Once the start's work is done (restored devices, the broker session):
    // what only the start used leaves the RSS (startup_pages.h).
    p.startupPagesTimer = p.scheduler.schedule(std::chrono::seconds(10), [&p] {
      p.startupPagesTimer = 0;
      const std::size_t released = releaseStartupPages();
      spdlog::debug("startup pages: {} KiB of code and constants unmapped", released / 1024);
    });
  });
  p.io.run();
  spdlog::info("lwm2m-gateway stopped");
}

void Gateway::waitForReload() {
  Parts& p = *parts_;
  p.reloadSignal.async_wait([this, &p](const boost::system::error_code& ec, int) {
    if (ec) return;
    p.systemd.reloading();
    if (!p.definitions.reload("SIGHUP")) p.mappingRules.reload("SIGHUP");  // else reloaded by the new definitions
    p.systemd.reloaded();
    waitForReload();
  });
}

void Gateway::stop() {
  Parts& p = *parts_;
  boost::asio::post(p.io, [&p] {
    if (p.stopping) return;
    p.stopping = true;
    p.systemd.stopping();
    p.scheduler.cancel(p.historyTimer);
    p.scheduler.cancel(p.startupPagesTimer);
    p.signals.cancel();
    p.reloadSignal.cancel();
    p.http.stop();
    p.mqttUplink.flush();  // batches being gathered, into the outbox before the link stops
    p.mqtt.stop();
    p.webhooks.stop();
    if (p.valueSnapshot) p.valueSnapshot->stop();
    p.sockets.stop();
    p.listeners.transport().close();
    if (p.bootstrap) p.bootstrap->stop();
    p.io.stop();
  });
}

}  // namespace lwm2m::gateway
