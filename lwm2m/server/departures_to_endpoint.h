#pragma once
// DeparturesToEndpoint: when a device's registration ends (De-register or
// expiry), the CoAP endpoint is told to forget the messages it remembers from
// the device's address for duplicate detection (coap::Endpoint::forgetPeer),
// so that state goes with the device instead of staying for EXCHANGE_LIFETIME
// (247 s) — thousands of devices leaving at once would otherwise keep
// megabytes. Add it to the RegistrationInterface after the other listeners.
//
// Threading contract: I/O thread only; the endpoint must outlive it.

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/server/registration_interface.h"

namespace lwm2m::server {

class DeparturesToEndpoint : public RegistrationListener {
 public:
  explicit DeparturesToEndpoint(coap::Endpoint& endpoint) : endpoint_(endpoint) {}

  void onRegistered(const Registration&, const Registration*) override {}
  void onUpdated(const Registration&, const RegistrationChanges&) override {}
  void onDeregistered(const Registration& reg) override { endpoint_.forgetPeer(reg.peer); }
  void onExpired(const Registration& reg) override { endpoint_.forgetPeer(reg.peer); }

 private:
  coap::Endpoint& endpoint_;
};

}  // namespace lwm2m::server
