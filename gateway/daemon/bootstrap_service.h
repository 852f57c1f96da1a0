#pragma once
// The daemon's bootstrap server (bootstrap.*): its own UDP socket (and with
// bootstrap.listen_dtls a DTLS listener whose PSK identities come from
// bootstrap-credentials.db, each bootstrapping only its own endpoint) and CoAP
// endpoint, the configurations loaded from bootstrap.configs (or the default
// entry pointing devices at this gateway), generated PSK credentials written
// to the credentials store, and one log line per bootstrap started, finished
// or failed (with the reason; never a key).

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "gateway/api/bootstrap_admin.h"
#include "gateway/api/device_events.h"
#include "gateway/daemon/bootstrap_config_yaml.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/listener_sockets.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/model/object_model.h"
#include "persistence/credential_store.h"

namespace lwm2m::gateway {

// The server URIs bootstrap configurations default to: this gateway's coap
// and coaps listeners at bootstrap.server_host (or the listen host); empty
// for a listener that is off or on a wildcard address without server_host.
BootstrapDefaults bootstrapDefaults(const GatewayConfig& config);

// Loads bootstrap.configs (if set) and the configurations stored over the
// REST API as the gateway would, for --check-config.
// Errors name the file and line.
Result<void> checkBootstrapConfigs(const GatewayConfig& config);

// Where configurations stored over the REST API are kept: bootstrap-configs/
// beside the credentials store (credentialsFile(config)).
std::string bootstrapConfigsDirectory(const GatewayConfig& config);

class BootstrapService {
 public:
  // Receives bootstrap-started, -finished and -failed device events (the
  // gateway's event fan-out, so that the mapping publishes them).
  using EventSink = std::function<void(const api::DeviceEvent&)>;

  // Binds the socket (its buffers sized and watched by `sockets`, which must
  // outlive this object) and loads the configurations. Throws std::runtime_error
  // naming the key (or file and line) and the cause (start-up path). `model`
  // (the one in force at start-up) types the Security, Server and ACL objects.
  BootstrapService(boost::asio::io_context& io, coap::Scheduler& scheduler, const GatewayConfig& config,
                   std::shared_ptr<const model::ObjectModel> model, persistence::CredentialStore& credentials,
                   ListenerSockets& sockets, EventSink events = nullptr);
  ~BootstrapService();
  BootstrapService(const BootstrapService&) = delete;
  BootstrapService& operator=(const BootstrapService&) = delete;

  void start();
  void stop();
  // The configurations in force, for the REST API (/api/v1/bootstrap/configs).
  api::BootstrapAdmin& configurations();
  // "coap://127.0.0.1:5783 (N configurations)": for the start-up log.
  std::string describe() const;

  struct Parts;

 private:
  std::unique_ptr<Parts> parts_;
};

}  // namespace lwm2m::gateway
