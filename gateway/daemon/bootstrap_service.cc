#include "gateway/daemon/bootstrap_service.h"

#include "gateway/daemon/bootstrap_config_store.h"
#include "gateway/daemon/device_listeners.h"

#include <openssl/rand.h>

#include <filesystem>
#include <random>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "lwm2m/coap/combined_transport.h"
#include "lwm2m/coap/dtls_transport.h"
#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/udp_transport.h"
#include "lwm2m/server/bootstrap_server.h"
#include "lwm2m/server/identity_binding.h"

namespace lwm2m::gateway {
namespace {

// "coaps://HOST:PORT" for a listener, HOST being bootstrap.server_host or the
// listener's own address; "" when that address is a wildcard and no host is set.
std::string serverUri(std::string_view scheme, const std::string& listen, const std::string& serverHost) {
  auto parsed = parseListenAddress(listen);
  if (!parsed) return "";
  std::string host = serverHost.empty() ? parsed->host : serverHost;
  if (host == "0.0.0.0" || host == "::") return "";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(scheme) + "://" + host + ":" + std::to_string(parsed->port);
}

model::Bytes strongRandom(std::size_t n) {
  model::Bytes bytes(n);
  if (RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) return {};  // the session fails
  return bytes;
}

// Logs each bootstrap and hands it on as a device event.
class BootstrapLog : public server::BootstrapListener {
 public:
  BootstrapLog(const coap::Scheduler& clock, BootstrapService::EventSink events)
      : clock_(clock), events_(std::move(events)) {}

  void onBootstrapStarted(std::string_view endpoint, const coap::Peer& peer) override {
    spdlog::info("bootstrap-started {} from {}", endpoint, coap::toString(peer));
    publish(api::DeviceEventKind::BootstrapStarted, endpoint, peer, {});
  }
  void onBootstrapFinished(std::string_view endpoint, const coap::Peer& peer) override {
    spdlog::info("bootstrap-finished {} from {}", endpoint, coap::toString(peer));
    publish(api::DeviceEventKind::BootstrapFinished, endpoint, peer, {});
  }
  void onBootstrapFailed(std::string_view endpoint, const coap::Peer& peer, std::string_view reason) override {
    spdlog::warn("bootstrap-failed {} from {}: {}", endpoint.empty() ? "(no endpoint name)" : endpoint,
                 coap::toString(peer), reason);
    // A request without an endpoint name is about no device: logged only.
    if (!endpoint.empty()) publish(api::DeviceEventKind::BootstrapFailed, endpoint, peer, reason);
  }
  void onBootstrapRead(std::string_view endpoint, std::string_view what,
                       const std::vector<std::string>& accounts) override {
    std::string text;
    for (const auto& account : accounts) text += (text.empty() ? "" : "; ") + account;
    spdlog::info("bootstrap-read {} {}: {}", endpoint, what, text.empty() ? "no server accounts" : text);
  }

 private:
  void publish(api::DeviceEventKind kind, std::string_view endpoint, const coap::Peer& peer,
               std::string_view reason) {
    if (!events_) return;
    api::DeviceEvent event{kind, {}, clock_.wallNow()};
    event.device.endpoint = std::string(endpoint);
    event.device.address = coap::toString(peer);
    event.reason = std::string(reason);
    events_(event);
  }

  const coap::Scheduler& clock_;
  BootstrapService::EventSink events_;
};

}  // namespace

BootstrapDefaults bootstrapDefaults(const GatewayConfig& config) {
  BootstrapDefaults defaults;
  const std::string& host = config.bootstrap.serverHost;
  if (config.coap.enabled) defaults.plainServerUri = serverUri("coap", config.coap.listen, host);
  if (config.coaps.enabled) defaults.secureServerUri = serverUri("coaps", config.coaps.listen, host);
  return defaults;
}

Result<void> checkBootstrapConfigs(const GatewayConfig& config) {
  if (!config.bootstrap.configs.empty()) {
    auto loaded = loadBootstrapConfigDirectory(config.bootstrap.configs, bootstrapDefaults(config));
    if (!loaded) return loaded.error();
  }
  // Those stored over the REST API, as start-up loads them.
  std::error_code ec;
  if (std::filesystem::exists(bootstrapConfigsDirectory(config), ec)) {
    auto stored = loadBootstrapConfigDirectory(bootstrapConfigsDirectory(config), bootstrapDefaults(config));
    if (!stored) return stored.error();
  }
  return {};
}

struct BootstrapService::Parts {
  std::unique_ptr<coap::UdpTransport> transport;
  // bootstrap.listen_dtls only: the bootstrap identities, the DTLS listener,
  // both listeners as one transport, and identities bound to endpoint names.
  std::unique_ptr<persistence::CredentialStore> bootstrapStore;
  std::unique_ptr<StoreCredentials> bootstrapCredentials;
  std::unique_ptr<coap::UdpTransport> records;
  std::unique_ptr<coap::DtlsTransport> dtls;
  std::unique_ptr<coap::CombinedTransport> combined;
  std::unique_ptr<server::IdentityBinding> binding;
  std::unique_ptr<coap::Endpoint> endpoint;
  std::unique_ptr<BootstrapConfigStore> configs;
  std::shared_ptr<const model::ObjectModel> model;
  std::unique_ptr<server::BootstrapServer> server;
  std::unique_ptr<BootstrapLog> log;
  std::mt19937 rng{std::random_device{}()};
  std::string listen;
  std::string source;
};

namespace {

// Opens the bootstrap identities and the DTLS listener of bootstrap.listen_dtls.
void openDtlsListener(BootstrapService::Parts& p, coap::Scheduler& scheduler, const GatewayConfig& config,
                      boost::asio::io_context& io, ListenerSockets& sockets) {
  auto store = persistence::CredentialStore::open(bootstrapCredentialsFile(config));
  if (!store) throw std::runtime_error("bootstrap.listen_dtls: " + store.error().message);
  p.bootstrapStore = std::move(*store);
  p.bootstrapCredentials = std::make_unique<StoreCredentials>(*p.bootstrapStore, scheduler);
  p.records = std::make_unique<coap::UdpTransport>(
      io, bindAddress("bootstrap.listen_dtls", config.bootstrap.listenDtls));
  sockets.add("bootstrap_dtls", *p.records);
  coap::DtlsSettings s = dtlsServerSettings(config.coaps, p.bootstrapCredentials.get());
  s.onEvent = [&p](const coap::DtlsEvent& e) {
    logDtlsSession(e);
    // A refused handshake under a bootstrap identity is a failed bootstrap of its endpoint.
    if (e.kind != coap::DtlsEvent::Kind::Failed || !e.identity ||
        e.identity->kind != coap::PeerIdentity::Kind::PreSharedKey) {
      return;
    }
    if (auto endpoint = p.bootstrapCredentials->endpointOfPskIdentity(e.identity->name)) {
      p.log->onBootstrapFailed(*endpoint, e.peer, "DTLS handshake refused: " + e.reason);
    }
  };
  try {
    p.dtls = std::make_unique<coap::DtlsTransport>(*p.records, scheduler, std::move(s));
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("bootstrap.listen_dtls: ") + e.what());
  }
}

}  // namespace

BootstrapService::BootstrapService(boost::asio::io_context& io, coap::Scheduler& scheduler,
                                   const GatewayConfig& config, std::shared_ptr<const model::ObjectModel> model,
                                   persistence::CredentialStore& credentials, ListenerSockets& sockets,
                                   EventSink events)
    : parts_(std::make_unique<Parts>()) {
  Parts& p = *parts_;
  p.model = std::move(model);
  p.log = std::make_unique<BootstrapLog>(scheduler, std::move(events));
  const BootstrapServerConfig& c = config.bootstrap;
  const BootstrapDefaults defaults = bootstrapDefaults(config);
  if (defaults.plainServerUri.empty() && defaults.secureServerUri.empty()) {
    throw std::runtime_error(
        "bootstrap.server_host: required, the LwM2M listeners are on wildcard addresses and devices "
        "must be told a reachable host");
  }
  server::BootstrapConfigs base;
  std::string baseSource;
  if (!c.configs.empty()) {
    auto loaded = loadBootstrapConfigDirectory(c.configs, defaults);
    if (!loaded) throw std::runtime_error("bootstrap.configs: " + loaded.error().message);
    base = std::move(*loaded);
    baseSource = c.configs;
    p.source = std::to_string(base.size()) + " configurations from " + c.configs;
  } else {
    // Devices without their own configuration are pointed at this gateway,
    // over DTLS PSK with fresh credentials when coaps is on.
    const bool psk = !defaults.secureServerUri.empty();
    base.add(server::defaultBootstrapConfig(psk ? defaults.secureServerUri : defaults.plainServerUri, psk,
                                            c.lifetimeSeconds));
    baseSource = "default";
    p.source = "default: this gateway at " + base.find("*")->security.front().serverUri +
               (psk ? " with generated PSK credentials" : "");
  }
  p.configs = std::make_unique<BootstrapConfigStore>(std::move(base), std::move(baseSource),
                                                     bootstrapConfigsDirectory(config), defaults);
  if (p.configs->storedCount() > 0) {
    p.source += ", " + std::to_string(p.configs->storedCount()) + " stored over the REST API";
  }

  p.transport = std::make_unique<coap::UdpTransport>(io, bindAddress("bootstrap.listen", c.listen));
  sockets.add("bootstrap", *p.transport);
  p.listen = c.listen;
  if (!c.listenDtls.empty()) openDtlsListener(p, scheduler, config, io, sockets);
  p.combined = std::make_unique<coap::CombinedTransport>(p.transport.get(), p.dtls.get());
  p.endpoint = std::make_unique<coap::Endpoint>(*p.combined, scheduler, transmissionParameters(config.coap),
                                                [&p] { return static_cast<std::uint32_t>(p.rng()); });
  server::BootstrapSettings settings;
  settings.sessionTimeout = c.sessionTimeout;
  p.server = std::make_unique<server::BootstrapServer>(
      *p.endpoint, scheduler, *p.model, settings,
      [&p](std::string_view endpoint) { return p.configs->find(endpoint); },
      [&credentials](const server::ProvisionedPsk& psk) -> Result<void> {
        persistence::DeviceCredentials entry;
        entry.endpoint = psk.endpoint;
        entry.pskIdentity = psk.identity;
        entry.pskKey = psk.key;
        entry.securityRequired = true;
        // Keeps a certificate name the endpoint already has.
        if (auto existing = credentials.find(psk.endpoint); existing && *existing) {
          entry.certificateName = (*existing)->certificateName;
        }
        return credentials.put(entry);
      },
      strongRandom);
  p.server->addListener(p.log.get());
  if (p.bootstrapCredentials) {
    // A DTLS identity bootstraps only the endpoint it belongs to; an endpoint
    // with bootstrap credentials that require DTLS is refused over plain CoAP.
    p.binding = std::make_unique<server::IdentityBinding>(*p.combined, *p.bootstrapCredentials,
                                                          server::IdentityBindingSettings{true}, nullptr);
    p.server->setAuthorizer(p.binding.get());
  }
  p.endpoint->setRequestHandler(
      [&p](const coap::Peer& from, const coap::Message& request, const coap::Endpoint::Responder& respond) {
        p.server->handle(from, request, respond);
      });
}

BootstrapService::~BootstrapService() {
  if (parts_) parts_->server.reset();  // its pending requests go before the endpoint
}

api::BootstrapAdmin& BootstrapService::configurations() { return *parts_->configs; }

std::string bootstrapConfigsDirectory(const GatewayConfig& config) {
  return (std::filesystem::path(credentialsFile(config)).parent_path() / "bootstrap-configs").string();
}

void BootstrapService::start() { parts_->endpoint->start(); }

void BootstrapService::stop() { parts_->combined->close(); }

std::string BootstrapService::describe() const {
  std::string text = "coap://" + parts_->listen;
  if (parts_->records) text += ", coaps://" + coap::toString(parts_->records->localEndpoint());
  return text + " (" + parts_->source + ")";
}

}  // namespace lwm2m::gateway
