#include "gateway/daemon/device_listeners.h"

#include <filesystem>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "lwm2m/coap/combined_transport.h"
#include "lwm2m/coap/dtls_transport.h"
#include "lwm2m/coap/udp_transport.h"
#include "persistence/credential_store.h"

namespace lwm2m::gateway {

coap::Peer bindAddress(const std::string& key, const std::string& listen) {
  auto parsed = parseListenAddress(listen);
  if (!parsed) throw std::runtime_error(key + " " + listen + ": " + parsed.error().message);
  auto peer = coap::UdpTransport::resolveBind(parsed->host, parsed->port);
  if (!peer) throw std::runtime_error(key + " " + listen + ": " + peer.error().message);
  return *peer;
}

void logDtlsSession(const coap::DtlsEvent& e) {
  const std::string who = e.identity ? coap::describe(*e.identity) : std::string("no identity");
  const std::string peer = coap::toString(e.peer);
  switch (e.kind) {
    case coap::DtlsEvent::Kind::Established:
      spdlog::info("DTLS session with {} established ({})", peer, who);
      break;
    case coap::DtlsEvent::Kind::Resumed:
      spdlog::info("DTLS session with {} resumed ({})", peer, who);
      break;
    case coap::DtlsEvent::Kind::Failed:
      spdlog::warn("DTLS handshake with {} refused: {}", peer, e.reason);
      break;
    case coap::DtlsEvent::Kind::Closed:
      spdlog::debug("DTLS session with {} closed ({}): {}", peer, who, e.reason);
      break;
    case coap::DtlsEvent::Kind::Expired:
      spdlog::debug("DTLS session with {} ended ({}): {}", peer, who, e.reason);
      break;
  }
}

StoreCredentials::StoreCredentials(persistence::CredentialStore& store, const coap::Scheduler& clock)
    : store_(store), clock_(clock) {}

std::optional<std::vector<std::uint8_t>> StoreCredentials::keyFor(std::string_view identity) const {
  return orNothing(store_.pskKey(identity));
}
std::optional<std::string> StoreCredentials::endpointOfPskIdentity(std::string_view identity) const {
  return orNothing(store_.endpointOfPskIdentity(identity));
}
std::optional<std::string> StoreCredentials::endpointOfCertificateName(std::string_view name) const {
  return orNothing(store_.endpointOfCertificateName(name));
}
bool StoreCredentials::securityRequired(std::string_view endpoint) const {
  auto required = store_.securityRequired(endpoint, clock_.now());
  if (required) return *required;
  spdlog::error("credentials: {}", required.error().message);
  return false;
}

template <class T>
std::optional<T> StoreCredentials::orNothing(Result<std::optional<T>> result) {
  if (result) return std::move(*result);
  spdlog::error("credentials: {}", result.error().message);
  return std::nullopt;
}

std::string credentialsFile(const GatewayConfig& config) {
  if (!config.coaps.credentialsFile.empty()) return config.coaps.credentialsFile;
  return (std::filesystem::path(config.storage.dataDir) / "credentials.db").string();
}

std::string bootstrapCredentialsFile(const GatewayConfig& config) {
  return (std::filesystem::path(credentialsFile(config)).parent_path() / "bootstrap-credentials.db").string();
}

coap::DtlsSettings dtlsServerSettings(const CoapsConfig& c, const coap::PskKeyring* keyring) {
  coap::DtlsSettings s;
  s.pskKeyring = keyring;
  s.certificateFile = c.certFile;
  s.privateKeyFile = c.keyFile;
  s.caFile = c.caFile;
  s.handshakeTimeout = c.handshakeTimeout;
  s.idleTimeout = c.idleTimeout;
  s.maxSessions = c.maxSessions;
  s.maxHandshakes = c.maxHandshakes;
  return s;
}

namespace {

// Releases the DTLS session a registration was made over once it ends.
class DtlsSessionRelease : public server::RegistrationListener {
 public:
  explicit DtlsSessionRelease(coap::DtlsTransport& dtls) : dtls_(dtls) {}
  void onRegistered(const server::Registration&, const server::Registration*) override {}
  void onUpdated(const server::Registration&, const server::RegistrationChanges&) override {}
  void onDeregistered(const server::Registration& reg) override {
    dtls_.release(reg.peer, kDtlsLingerAfterRegistration);
  }
  void onExpired(const server::Registration& reg) override { dtls_.release(reg.peer, kDtlsLingerAfterRegistration); }

 private:
  coap::DtlsTransport& dtls_;
};

}  // namespace

struct DeviceListeners::Parts {
  std::unique_ptr<persistence::CredentialStore> store;
  std::unique_ptr<StoreCredentials> credentials;
  std::unique_ptr<coap::UdpTransport> plain;
  std::unique_ptr<coap::UdpTransport> records;
  std::unique_ptr<coap::DtlsTransport> dtls;
  std::unique_ptr<coap::CombinedTransport> combined;
  std::unique_ptr<server::IdentityBinding> binding;
  server::RegistrationInterface* registrations = nullptr;
  std::unique_ptr<DtlsSessionRelease> release;
};

DeviceListeners::DeviceListeners(boost::asio::io_context& io, coap::Scheduler& scheduler,
                                 const GatewayConfig& config, ListenerSockets& sockets)
    : parts_(std::make_unique<Parts>()) {
  Parts& p = *parts_;
  if (!config.coap.enabled && !config.coaps.enabled) {
    throw std::runtime_error("coap.enabled and coaps.enabled are both false: devices could not reach the gateway");
  }
  const std::string file = credentialsFile(config);
  auto store = persistence::CredentialStore::open(file);
  if (!store) throw std::runtime_error("coaps.credentials_file: " + store.error().message);
  p.store = std::move(*store);
  p.credentials = std::make_unique<StoreCredentials>(*p.store, scheduler);

  if (config.coap.enabled) {
    p.plain = std::make_unique<coap::UdpTransport>(io, bindAddress("coap.listen", config.coap.listen));
    sockets.add("coap", *p.plain);
  }
  if (config.coaps.enabled) {
    p.records = std::make_unique<coap::UdpTransport>(io, bindAddress("coaps.listen", config.coaps.listen));
    sockets.add("coaps", *p.records);
    coap::DtlsSettings s = dtlsServerSettings(config.coaps, p.credentials.get());
    s.onEvent = [this](const coap::DtlsEvent& e) {
      logDtlsSession(e);
      Parts& parts = *parts_;
      const bool fresh = e.kind == coap::DtlsEvent::Kind::Established ||
                         e.kind == coap::DtlsEvent::Kind::Resumed;
      if (fresh && e.identity && parts.registrations) {
        parts.binding->follow(*parts.registrations, e.peer, *e.identity);
      }
    };
    try {
      p.dtls = std::make_unique<coap::DtlsTransport>(*p.records, scheduler, std::move(s));
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("coaps: ") + e.what());
    }
  }
  p.combined = std::make_unique<coap::CombinedTransport>(p.plain.get(), p.dtls.get());
  p.binding = std::make_unique<server::IdentityBinding>(
      *p.combined, *p.credentials,
      server::IdentityBindingSettings{config.lwm2m.allowPlainRegistration},
      [](const std::string& line) { spdlog::warn("registration {}", line); });
}

DeviceListeners::~DeviceListeners() = default;

persistence::CredentialStore& DeviceListeners::credentials() { return *parts_->store; }

coap::Transport& DeviceListeners::transport() { return *parts_->combined; }

const coap::DtlsTransport* DeviceListeners::dtls() const { return parts_->dtls.get(); }

void DeviceListeners::bind(server::RegistrationInterface& registrations) {
  parts_->registrations = &registrations;
  registrations.setAuthorizer(parts_->binding.get());
  if (parts_->dtls) {
    parts_->release = std::make_unique<DtlsSessionRelease>(*parts_->dtls);
    registrations.addListener(parts_->release.get());
  }
}

std::string DeviceListeners::describe() const {
  std::string text;
  if (parts_->plain) text = "coap://" + coap::toString(parts_->plain->localEndpoint()) + " (UDP)";
  if (parts_->records) {
    if (!text.empty()) text += ", ";
    text += "coaps://" + coap::toString(parts_->records->localEndpoint()) + " (DTLS 1.2)";
  }
  return text;
}

coap::TransmissionParameters transmissionParameters(const CoapConfig& c) {
  coap::TransmissionParameters p;
  p.ackTimeout = c.ackTimeout;
  p.ackRandomFactor = c.ackRandomFactor;
  p.maxRetransmit = c.maxRetransmit;
  return p;
}

std::chrono::milliseconds awakeWindow(const GatewayConfig& config) {
  if (config.lwm2m.awakeWindowSeconds) return std::chrono::seconds(*config.lwm2m.awakeWindowSeconds);
  return transmissionParameters(config.coap).maxTransmitWait();
}

}  // namespace lwm2m::gateway
