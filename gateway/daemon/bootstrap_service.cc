#include "gateway/daemon/bootstrap_service.h"
#include "gateway/daemon/device_listeners.h"

#include <openssl/rand.h>

#include <random>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/udp_transport.h"
#include "lwm2m/server/bootstrap_server.h"

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

class BootstrapLog : public server::BootstrapListener {
 public:
  void onBootstrapStarted(std::string_view endpoint, const coap::Peer& peer) override {
    spdlog::info("bootstrap-started {} from {}", endpoint, coap::toString(peer));
  }
  void onBootstrapFinished(std::string_view endpoint, const coap::Peer& peer) override {
    spdlog::info("bootstrap-finished {} from {}", endpoint, coap::toString(peer));
  }
  void onBootstrapFailed(std::string_view endpoint, const coap::Peer& peer, std::string_view reason) override {
    spdlog::warn("bootstrap-failed {} from {}: {}", endpoint.empty() ? "(no endpoint name)" : endpoint,
                 coap::toString(peer), reason);
  }
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
  if (config.bootstrap.configs.empty()) return {};
  auto loaded = loadBootstrapConfigDirectory(config.bootstrap.configs, bootstrapDefaults(config));
  if (!loaded) return loaded.error();
  return {};
}

struct BootstrapService::Parts {
  std::unique_ptr<coap::UdpTransport> transport;
  std::unique_ptr<coap::Endpoint> endpoint;
  server::BootstrapConfigs configs;
  std::shared_ptr<const model::ObjectModel> model;
  std::unique_ptr<server::BootstrapServer> server;
  BootstrapLog log;
  std::mt19937 rng{std::random_device{}()};
  std::string listen;
  std::string source;
};

BootstrapService::BootstrapService(boost::asio::io_context& io, coap::Scheduler& scheduler,
                                   const GatewayConfig& config, std::shared_ptr<const model::ObjectModel> model,
                                   persistence::CredentialStore& credentials)
    : parts_(std::make_unique<Parts>()) {
  Parts& p = *parts_;
  p.model = std::move(model);
  const BootstrapServerConfig& c = config.bootstrap;
  const BootstrapDefaults defaults = bootstrapDefaults(config);
  if (defaults.plainServerUri.empty() && defaults.secureServerUri.empty()) {
    throw std::runtime_error(
        "bootstrap.server_host: required, the LwM2M listeners are on wildcard addresses and devices "
        "must be told a reachable host");
  }
  if (!c.configs.empty()) {
    auto loaded = loadBootstrapConfigDirectory(c.configs, defaults);
    if (!loaded) throw std::runtime_error("bootstrap.configs: " + loaded.error().message);
    p.configs = std::move(*loaded);
    p.source = std::to_string(p.configs.size()) + " configurations from " + c.configs;
  }
  if (c.configs.empty()) {
    // Devices without their own file are pointed at this gateway, over DTLS
    // PSK with fresh credentials when coaps is on.
    const bool psk = !defaults.secureServerUri.empty();
    p.configs.add(server::defaultBootstrapConfig(psk ? defaults.secureServerUri : defaults.plainServerUri, psk,
                                                 c.lifetimeSeconds));
    p.source += std::string(p.source.empty() ? "" : ", ") + "default: this gateway at " +
                p.configs.find("*")->security.front().serverUri + (psk ? " with generated PSK credentials" : "");
  }

  auto parsed = parseListenAddress(c.listen);
  if (!parsed) throw std::runtime_error("bootstrap.listen " + c.listen + ": " + parsed.error().message);
  auto bind = coap::UdpTransport::resolveBind(parsed->host, parsed->port);
  if (!bind) throw std::runtime_error("bootstrap.listen " + c.listen + ": " + bind.error().message);
  p.transport = std::make_unique<coap::UdpTransport>(io, *bind);
  p.listen = c.listen;
  p.endpoint = std::make_unique<coap::Endpoint>(*p.transport, scheduler, transmissionParameters(config.coap),
                                                [&p] { return static_cast<std::uint32_t>(p.rng()); });
  server::BootstrapSettings settings;
  settings.sessionTimeout = c.sessionTimeout;
  p.server = std::make_unique<server::BootstrapServer>(
      *p.endpoint, scheduler, *p.model, settings,
      [&p](std::string_view endpoint) { return p.configs.find(endpoint); },
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
  p.server->addListener(&p.log);
  p.endpoint->setRequestHandler(
      [&p](const coap::Peer& from, const coap::Message& request, coap::Endpoint::Responder respond) {
        p.server->handle(from, request, respond);
      });
}

BootstrapService::~BootstrapService() {
  if (parts_) parts_->server.reset();  // its pending requests go before the endpoint
}

void BootstrapService::start() { parts_->endpoint->start(); }

void BootstrapService::stop() { parts_->transport->close(); }

std::string BootstrapService::describe() const {
  return "coap://" + parts_->listen + " (" + parts_->source + ")";
}

}  // namespace lwm2m::gateway
