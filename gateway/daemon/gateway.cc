#include "gateway/daemon/gateway.h"

#include <filesystem>
#include <random>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "bridges/http/http_server.h"
#include "bridges/http/package_fetcher.h"
#include "bridges/mqtt/status_topics.h"
#include "bridges/mqtt/mqtt_bridge.h"
#include "bridges/mqtt/downlink.h"
#include "bridges/mqtt/uplink.h"
#include "gateway/core/auto_observer.h"
#include "gateway/daemon/command_line.h"
#include "gateway/daemon/bootstrap_service.h"
#include "gateway/daemon/device_listeners.h"
#include "gateway/core/mapping_rules.h"
#include "gateway/core/device_event_fanout.h"
#include "gateway/core/device_hub.h"
#include "gateway/core/device_command_service.h"
#include "gateway/core/device_presence.h"
#include "gateway/core/legacy_queue_rows.h"
#include "gateway/core/queue_mode_sender.h"
#include "gateway/daemon/mqtt_outbox.h"
#include "gateway/core/device_reports.h"
#include "gateway/core/request_queue.h"
#include "gateway/core/device_registry.h"
#include "gateway/core/firmware_service.h"
#include "gateway/core/package_spool.h"
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

std::unique_ptr<persistence::Database> openDatabase(const std::string& dir) {
  auto db = persistence::Database::open(dir);
  if (!db) throw std::runtime_error("storage.data_dir " + dir + ": " + db.error().message);
  return std::move(*db);
}

}  // namespace

// Members are declared in construction order; destruction runs in reverse, so
// the bridges go before the server state they look at.
struct Gateway::Parts {
  explicit Parts(const GatewayConfig& config)
      : database(openDatabase(config.storage.dataDir)),
        scheduler(io),
        rng(std::random_device{}()),
        listeners(io, scheduler, config),
        endpoint(listeners.transport(), scheduler, transmissionParameters(config.coap), [this] { return rng(); }),
        registration(scheduler, registrationSettings(config.lwm2m), [this] { return rng(); }),
        dispatcher(registration),
        persistence(database->registrations(), scheduler),
        registry(registration.registrations(), scheduler),
        presence(scheduler, std::chrono::seconds(config.lwm2m.awakeWindowSeconds)),
        presenceFeed(presence),
        fanout(scheduler, registration.registrations()),
        objectModel(model::ObjectModel::builtIn()),
        observations(endpoint, scheduler, registration, objectModel),
        observationPersistence(database->observations(), scheduler),
        sender(endpoint, scheduler, registration, observations, objectModel, [this] { return rng(); }),
        send(scheduler, registration, objectModel),
        reports(presence, registry, scheduler, [this](const api::DeviceEvent& e) { publishEvent(e); }),
        queue(database->requestQueue(), scheduler, QueueSettings{},
              [this](const std::string& ep) { return presence.isReachable(ep); },
              [this](const QueuedRequest& r, std::function<void(bool)> done) { queueMode.deliver(r, std::move(done)); },
              [this](std::function<void()> f) { boost::asio::post(io, std::move(f)); }, [this] { return rng(); }),
        queueMode(queue, sender, presence),
        commands(queue, queueMode, registry, scheduler,
                 [this](const api::DeviceEvent& e) { publishEvent(e); }),
        packages(std::filesystem::path(config.storage.dataDir) / "firmware", config.firmware.maxSize),
        packageResource(packages, config.coap.blockSize),
        fetcher(io, config.firmware.caFile, config.firmware.maxSize),
        firmware(commands, packages, registry, scheduler, firmwareSettings(config),
                 [this](const api::DeviceEvent& e) { publishEvent(e); },
                 config.firmware.allowDownloads ? FirmwareService::Fetch(
                     [this](const std::string& url, std::unique_ptr<api::PackageUpload> upload,
                            std::function<void(Result<api::PackageInfo>)> done) {
                       fetcher.fetch(url, std::move(upload), std::move(done));
                     })
                                                : FirmwareService::Fetch()),
        mappingRules(config.mapping.path, objectModel, scheduler),
        autoObserver(commands, objectModel, scheduler),
        hub({persistence, fanout, presenceFeed, observations, queueMode, send, autoObserver}),
        mqttOutbox(database->outbox()),
        mqtt(io, mqttSettings(config), &mqttOutbox),
        mqttUplink(objectModel, config.mqtt.clientId, [this](mapping::OutboundMessage m) { mqtt.publish(std::move(m)); }),
        mqttDownlink(objectModel, firmware, registry, [this](mapping::OutboundMessage m) { mqtt.publish(std::move(m)); }),
        http(io, httpBindAddress(config.http.listen), registry,
             [this] {
               api::HealthReport health{std::string(gatewayVersion()),
                                        std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::steady_clock::now() - startedAt),
                                        registration.registrations().size(), mqtt.connected()};
               const auto link = mqtt.stats();
               health.mqttOutbox = api::MqttOutboxHealth{link.waiting, link.published, link.dropped,
                                                         link.rejected};
               return health;
             },
             &firmware, &objectModel, &mappingRules, &firmware),
        signals(io, SIGINT, SIGTERM),
        reloadSignal(io, SIGHUP),
        startedAt(std::chrono::steady_clock::now()),
        systemd(scheduler, ServiceNotifier::fromEnvironment()) {}

  // Before any member goes: every submitted write is committed while the
  // io_context its completions post into still exists.
  ~Parts() { database->close(); }

  std::unique_ptr<persistence::Database> database;  // closed by ~Parts, destroyed last
  boost::asio::io_context io;
  coap::AsioScheduler scheduler;
  std::mt19937 rng;
  DeviceListeners listeners;
  coap::Endpoint endpoint;
  server::RegistrationInterface registration;
  server::UplinkDispatcher dispatcher;
  RegistrationPersistence persistence;
  DeviceRegistry registry;
  DevicePresence presence;
  PresenceFeed presenceFeed;
  DeviceEventFanout fanout;
  model::ObjectModel objectModel;
  std::unique_ptr<BootstrapService> bootstrap;  // bootstrap.enabled only
  server::ObservationRegistry observations;
  ObservationPersistence observationPersistence;
  server::RequestSender sender;
  server::SendHandler send;
  DeviceReports reports;
  RequestQueue queue;
  QueueModeSender queueMode;
  DeviceCommandService commands;
  PackageSpool packages;
  server::PackageResource packageResource;
  bridges::http::PackageFetcher fetcher;
  FirmwareService firmware;  // the DeviceOps of the bridges: stores packages, follows transfers
  MappingRules mappingRules;
  AutoObserver autoObserver;
  DeviceHub hub;  // the one listener of registration and presence events
  MqttOutbox mqttOutbox;
  bridges::mqtt::MqttBridge mqtt;
  bridges::mqtt::MqttUplink mqttUplink;
  bridges::mqtt::MqttDownlink mqttDownlink;
  bridges::http::HttpServer http;
  boost::asio::signal_set signals;
  boost::asio::signal_set reloadSignal;
  std::chrono::steady_clock::time_point startedAt;
  SystemdService systemd;  // READY/RELOADING/STOPPING and the watchdog, fed from this thread
  std::vector<server::Registration> expiredWhileDown;
  std::vector<api::DeviceEvent> eventsBeforeStart;  // published once the bridges run
  bool running = false;
  bool stopping = false;

  // Events of commands and reports go to the bridges once they run.
  void publishEvent(const api::DeviceEvent& e) {
    if (running) {
      fanout.publish(e);
    } else {
      eventsBeforeStart.push_back(e);
    }
  }
};

Gateway::Gateway(const GatewayConfig& config) {
  parts_ = std::make_unique<Parts>(config);
  Parts& p = *parts_;

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

  p.endpoint.setBlockSize(config.coap.blockSize);
  p.endpoint.setMaxBodySize(config.coap.maxBodySize);
  p.endpoint.setRequestHandler(
      [&p](const coap::Peer& from, const coap::Message& request, coap::Endpoint::Responder respond) {
        p.dispatcher.handle(from, request, respond);
      });
  p.listeners.bind(p.registration);
  p.registration.addListener(&p.hub);
  p.dispatcher.setSendHandler(&p.send);
  p.sender.setPackageStore(&p.packages);
  p.sender.setTransferListener([&p](const std::string& endpoint, const operations::DeviceRequest& request,
                                    std::uint64_t acknowledged, std::uint64_t size) {
    p.firmware.onPushed(endpoint, request, acknowledged, size);
  });
  p.dispatcher.setPackageResource(&p.packageResource);
  p.packageResource.setServedListener([&p](const coap::Peer& peer, const std::string& sha256, std::uint64_t end,
                                           std::uint64_t size, std::uint16_t blockSize) {
    p.firmware.onServed(formatPeer(peer), sha256, end, size, blockSize);
  });
  p.send.addListener(&p.reports);
  p.observations.addListener(&p.reports);
  p.presence.addListener(&p.hub);
  p.queue.setListener([&p](const QueueEvent& e) { p.commands.onQueueEvent(e); });
  p.queue.setLegacyRowReader(
      [&p](std::string_view body) { return readLegacyQueuedCommand(body, p.objectModel); });
  auto queued = p.queue.restore();
  if (!queued) throw std::runtime_error("cannot read queued commands: " + queued.error().message);
  if (*queued > 0) spdlog::info("{} queued commands restored", *queued);
  if (auto loaded = p.mappingRules.load(); !loaded) {
    throw std::runtime_error("mapping " + p.mappingRules.source() + ": " + loaded.error().message);
  }
  p.mappingRules.addListener([&p](const std::shared_ptr<const mapping::RuleSet>& rules) {
    p.autoObserver.setRules(rules);
    p.mqttUplink.setRules(rules);
    p.mqttDownlink.setRules(rules);
    p.mqtt.setSubscriptions(rules->subscriptions());
  });
  p.registration.registrations().forEach(
      [&p](const server::Registration& reg) { p.autoObserver.restored(reg); });
  p.mqtt.setInboundHandler([&p](const mapping::InboundMessage& m) { p.mqttDownlink.onInbound(m); });
  p.fanout.subscribe(&p.mqttUplink);
  p.fanout.subscribe(&p.mqtt);  // retained device status only (mqtt.device_status_topic)
  p.fanout.subscribe(&p.firmware);  // how package transfers end

  if (config.bootstrap.enabled) {
    p.bootstrap = std::make_unique<BootstrapService>(p.io, p.scheduler, config, p.objectModel,
                                                     p.listeners.credentials());
  }

  spdlog::info("lwm2m-gateway {} starting", gatewayVersion());
  spdlog::info("LwM2M server on {}", p.listeners.describe());
  if (p.bootstrap) spdlog::info("LwM2M bootstrap server on {}", p.bootstrap->describe());
  spdlog::info("MQTT broker {}; topics and commands from the mapping ({})", config.mqtt.uri,
               p.mappingRules.source());
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
  p.mappingRules.watch(std::chrono::seconds(2));
  p.endpoint.start();
  if (p.bootstrap) p.bootstrap->start();
  p.http.start();
  p.mqtt.start();
  boost::asio::post(p.io, [&p] {
    p.running = true;
    for (const server::Registration& reg : p.expiredWhileDown) p.fanout.onExpired(reg);
    p.expiredWhileDown.clear();
    for (const api::DeviceEvent& e : p.eventsBeforeStart) p.fanout.publish(e);
    p.eventsBeforeStart.clear();
    p.systemd.ready("serving on " + p.listeners.describe());
  });
  p.io.run();
  spdlog::info("lwm2m-gateway stopped");
}

void Gateway::waitForReload() {
  Parts& p = *parts_;
  p.reloadSignal.async_wait([this, &p](const boost::system::error_code& ec, int) {
    if (ec) return;
    p.systemd.reloading();
    p.mappingRules.reload("SIGHUP");
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
    p.signals.cancel();
    p.reloadSignal.cancel();
    p.http.stop();
    p.mqtt.stop();
    p.listeners.transport().close();
    if (p.bootstrap) p.bootstrap->stop();
    p.io.stop();
  });
}

}  // namespace lwm2m::gateway
