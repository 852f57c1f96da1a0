#pragma once
// Routes requests that devices send to the server by their first Uri-Path
// segment: "rd" → Registration Interface. Anything else is 4.04 Not Found.
// Installed as the coap::Endpoint's request handler.

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/server/registration_interface.h"

namespace lwm2m::server {

class UplinkDispatcher {
 public:
  explicit UplinkDispatcher(RegistrationInterface& registration) : registration_(registration) {}

  void handle(const coap::Peer& from, const coap::Message& request,
              const coap::Endpoint::Responder& respond);

 private:
  RegistrationInterface& registration_;
};

}  // namespace lwm2m::server
