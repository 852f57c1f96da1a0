#pragma once
// The client side of LwM2M bootstrap for one simulated device (--bootstrap):
// sends Bootstrap-Request (POST /bs?ep=NAME), accepts Bootstrap-Discover,
// -Delete and -Write into its Security (/0) and Server (/1) objects, and on
// Bootstrap-Finish hands over the LwM2M server account it was given (address,
// PSK credentials when the Security Mode is PSK, lifetime). Prints
// bootstrap-requested, bootstrap-finished and bootstrap-failed lines (never a key).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/coap/udp_transport.h"
#include "lwm2m/model/node.h"
#include "lwm2m/model/object_model.h"
#include "tools/lwm2m-sim/event_log.h"

namespace lwm2m::sim {

struct ProvisionedAccount {
  coap::Peer server;
  bool secure = false;  // coaps: DTLS PSK with the identity and key below
  std::string pskIdentity;
  std::vector<std::uint8_t> pskKey;
  std::uint32_t lifetime = 300;
};

class BootstrapClient {
 public:
  // `done` gets the account, or nullopt when bootstrap failed (already printed).
  BootstrapClient(boost::asio::io_context& io, coap::Scheduler& scheduler, const coap::Peer& bootstrapServer,
                  const coap::Peer& bindTo, std::string endpoint, EventLog& log,
                  std::function<std::uint32_t()> random,
                  std::function<void(std::optional<ProvisionedAccount>)> done);
  ~BootstrapClient();
  BootstrapClient(const BootstrapClient&) = delete;
  BootstrapClient& operator=(const BootstrapClient&) = delete;

  void start();

 private:
  void handleRequest(const coap::Message& request, const coap::Endpoint::Responder& respond);
  void finish();
  void failWith(const std::string& reason);

  coap::Scheduler& scheduler_;
  coap::Peer bootstrapServer_;
  std::string endpoint_;
  EventLog& log_;
  std::function<void(std::optional<ProvisionedAccount>)> done_;
  model::ObjectModel model_;
  coap::UdpTransport transport_;
  coap::Endpoint coap_;
  std::map<model::InstanceId, model::ObjectInstance> security_;
  std::map<model::InstanceId, model::ObjectInstance> servers_;
  coap::Scheduler::TimerId timeout_ = 0;
  bool ended_ = false;
};

}  // namespace lwm2m::sim
