#pragma once
// Routes requests that devices send to the server by their first Uri-Path
// segment: "rd" → Registration Interface, "dp" → Send (once a SendHandler is
// set), "fw" → firmware packages for pull mode (once a PackageResource is
// set). Anything else is 4.04 Not Found.
// Installed as the coap::Endpoint's request handler.

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/server/package_resource.h"
#include "lwm2m/server/registration_interface.h"
#include "lwm2m/server/send_handler.h"

namespace lwm2m::server {

class UplinkDispatcher {
 public:
  explicit UplinkDispatcher(RegistrationInterface& registration) : registration_(registration) {}

  // Routes "dp" to `send` (which must outlive this object); nullptr stops it.
  void setSendHandler(SendHandler* send) { send_ = send; }
  // Routes "fw" to `packages` (which must outlive this object); nullptr stops it.
  void setPackageResource(PackageResource* packages) { packages_ = packages; }

  void handle(const coap::Peer& from, const coap::Message& request,
              const coap::Endpoint::Responder& respond);

 private:
  RegistrationInterface& registration_;
  SendHandler* send_ = nullptr;
  PackageResource* packages_ = nullptr;
};

}  // namespace lwm2m::server
