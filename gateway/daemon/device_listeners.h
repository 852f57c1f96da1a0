#pragma once
// The device-facing listeners of the daemon: plain CoAP (coap.*) and CoAP
// over DTLS (coaps.*) combined into the one transport the CoAP endpoint
// uses, the credentials store behind DTLS PSK lookups, and the identity
// binding the registration interface asks (lwm2m.allow_plain_registration,
// per-endpoint "security required"). DTLS session events are logged here.

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "gateway/daemon/config.h"
#include "gateway/daemon/listener_sockets.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/coap/transmission_parameters.h"
#include "lwm2m/coap/dtls_transport.h"
#include "lwm2m/coap/transport.h"
#include "lwm2m/server/identity_binding.h"
#include "lwm2m/server/registration_interface.h"
#include "persistence/credential_store.h"

namespace lwm2m::gateway {

// A credentials store as the DTLS layer's keyring and the identity binding's
// directory. A store error is logged and counts as "not found" (refuse).
class StoreCredentials : public coap::PskKeyring, public server::CredentialDirectory {
 public:
  // Both must outlive this object; `clock` times the store's change checks.
  StoreCredentials(persistence::CredentialStore& store, const coap::Scheduler& clock);

  std::optional<std::vector<std::uint8_t>> keyFor(std::string_view identity) const override;
  std::optional<std::string> endpointOfPskIdentity(std::string_view identity) const override;
  std::optional<std::string> endpointOfCertificateName(std::string_view name) const override;
  bool securityRequired(std::string_view endpoint) const override;

 private:
  template <class T>
  static std::optional<T> orNothing(Result<std::optional<T>> result);

  persistence::CredentialStore& store_;
  const coap::Scheduler& clock_;
};

// How long the DTLS session of a device whose registration ended (De-register,
// expiry) is kept for the device to register again over it.
inline constexpr std::chrono::seconds kDtlsLingerAfterRegistration{30};

class DeviceListeners {
 public:
  // Binds the sockets (their buffers sized and watched by `sockets`, which
  // must outlive this object) and opens the credentials store. Throws
  // std::runtime_error naming the key and the cause (start-up path).
  DeviceListeners(boost::asio::io_context& io, coap::Scheduler& scheduler, const GatewayConfig& config,
                  ListenerSockets& sockets);
  ~DeviceListeners();
  DeviceListeners(const DeviceListeners&) = delete;
  DeviceListeners& operator=(const DeviceListeners&) = delete;

  coap::Transport& transport();
  // The DTLS layer, for its counters; null when coaps is disabled.
  const coap::DtlsTransport* dtls() const;
  // The credentials store behind DTLS PSK and the identity binding.
  persistence::CredentialStore& credentials();
  // Binds `registrations` to DTLS identities and lets new DTLS sessions
  // move a registration to the session's address; the DTLS session of a
  // registration that ends is released (closed after
  // kDtlsLingerAfterRegistration unless the device uses it again,
  // DtlsTransport::release). Call once, before start.
  void bind(server::RegistrationInterface& registrations);
  // One log-ready line per listener: "coap://0.0.0.0:5683 (UDP)", ...
  std::string describe() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

// {storage.data_dir}/credentials.db unless coaps.credentials_file says otherwise.
std::string credentialsFile(const GatewayConfig& config);

// The bootstrap identities (bootstrap.listen_dtls): bootstrap-credentials.db
// beside credentialsFile(config). Same format, separate file, so that an
// identity for the bootstrap server never opens the LwM2M server and back.
std::string bootstrapCredentialsFile(const GatewayConfig& config);

// A DTLS server's settings from coaps.* (certificates, timeouts, bounds) with
// `keyring` for PSK identities; onEvent is left for the caller.
coap::DtlsSettings dtlsServerSettings(const CoapsConfig& config, const coap::PskKeyring* keyring);

// The address to bind for `listen` (HOST:PORT); throws std::runtime_error
// naming `key`, the address and the cause.
coap::Peer bindAddress(const std::string& key, const std::string& listen);

// One log line per DTLS session event (never a key).
void logDtlsSession(const coap::DtlsEvent& event);

// The CoAP timers of coap.* (ACK_TIMEOUT, ACK_RANDOM_FACTOR, MAX_RETRANSMIT), for
// every endpoint the daemon opens (LwM2M and bootstrap).
coap::TransmissionParameters transmissionParameters(const CoapConfig& config);

// How long a queue-mode device counts as awake after a message: lwm2m.awake_window_s,
// or when it is "derived" MAX_TRANSMIT_WAIT of the coap.* parameters (RFC 7252
// §4.8.2: the longest a sender waits for a CON to be acknowledged).
std::chrono::milliseconds awakeWindow(const GatewayConfig& config);

}  // namespace lwm2m::gateway
