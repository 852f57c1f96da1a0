#pragma once
// The client side of LwM2M bootstrap for one simulated device (--bootstrap):
// sends Bootstrap-Request (POST /bs?ep=NAME), accepts Bootstrap-Discover,
// -Delete and -Write into its Security (/0), Server (/1) and Access Control
// (/2) objects, answers Bootstrap-Read (LwM2M 1.1) of /1 and /2 in TLV, and on
// Bootstrap-Finish hands over the LwM2M server account it was given (address,
// PSK credentials when the Security Mode is PSK, lifetime). Prints
// bootstrap-requested, bootstrap-finished and bootstrap-failed lines (never a key).
// With DTLS settings the bootstrap server is reached over DTLS (PSK or
// certificate); a refused handshake fails the bootstrap with its reason.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/coap/dtls_settings.h"
#include "lwm2m/model/node.h"
#include "lwm2m/model/object_model.h"
#include "tools/lwm2m-sim/event_log.h"
#include "tools/lwm2m-sim/notifying_transport.h"

namespace lwm2m::sim {

struct ProvisionedAccount {
  coap::Peer server;
  bool secure = false;  // coaps: DTLS PSK with the identity and key below
  std::string pskIdentity;
  std::vector<std::uint8_t> pskKey;
  std::uint32_t lifetime = 300;
};

// A provisioned account kept in a file (--state-dir), as a device keeps its
// Security and Server objects across reboots: "server=coaps://ADDRESS:PORT",
// "psk-identity=...", "psk-key=HEX", "lifetime=N" lines; mode 0600.
// saveAccount returns false if the file cannot be written; loadAccount
// nullopt if it is missing or malformed.
bool saveAccount(const std::string& file, const ProvisionedAccount& account);
std::optional<ProvisionedAccount> loadAccount(const std::string& file);

class BootstrapClient {
 public:
  // `done` gets the account, or nullopt when bootstrap failed (already printed).
  BootstrapClient(boost::asio::io_context& io, coap::Scheduler& scheduler, const coap::Peer& bootstrapServer,
                  const coap::Peer& bindTo, std::string endpoint, EventLog& log,
                  std::function<std::uint32_t()> random,
                  std::function<void(std::optional<ProvisionedAccount>)> done,
                  std::optional<coap::DtlsSettings> dtls = std::nullopt);
  ~BootstrapClient();
  BootstrapClient(const BootstrapClient&) = delete;
  BootstrapClient& operator=(const BootstrapClient&) = delete;

  void start();

 private:
  void handleRequest(const coap::Message& request, const coap::Endpoint::Responder& respond);
  void finish();
  void readObject(const coap::Message& request, const coap::Endpoint::Responder& respond);
  void failWith(const std::string& reason);
  std::optional<coap::DtlsSettings> withEvents(std::optional<coap::DtlsSettings> dtls);

  coap::Scheduler& scheduler_;
  coap::Peer bootstrapServer_;
  std::string endpoint_;
  EventLog& log_;
  std::function<void(std::optional<ProvisionedAccount>)> done_;
  model::ObjectModel model_;
  NotifyingTransport transport_;
  coap::Endpoint coap_;
  std::map<model::InstanceId, model::ObjectInstance> security_;
  std::map<model::InstanceId, model::ObjectInstance> servers_;
  std::map<model::InstanceId, model::ObjectInstance> acls_;
  coap::Scheduler::TimerId timeout_ = 0;
  bool ended_ = false;
};

}  // namespace lwm2m::sim
