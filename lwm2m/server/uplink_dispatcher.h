#pragma once
// Routes requests that devices send to the server by their first Uri-Path
// segment: "rd" → Registration Interface, "dp" → Send (once a SendHandler is
// set), "fw" → firmware packages for pull mode (once a PackageResource is
// set). Anything else is 4.04 Not Found.
// Installed as the coap::Endpoint's request handler.
// With an UplinkAdmission set, a Register (POST /rd) and a Send (POST /dp)
// are let in only when it admits them; otherwise they are answered 5.03 with
// Max-Age and counted (see uplink_admission.h).

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/server/package_resource.h"
#include "lwm2m/server/registration_interface.h"
#include "lwm2m/server/send_handler.h"
#include "lwm2m/server/uplink_admission.h"

namespace lwm2m::server {

class UplinkDispatcher {
 public:
  explicit UplinkDispatcher(RegistrationInterface& registration) : registration_(registration) {}

  // Routes "dp" to `send` (which must outlive this object); nullptr stops it.
  void setSendHandler(SendHandler* send) { send_ = send; }
  // Routes "fw" to `packages` (which must outlive this object); nullptr stops it.
  void setPackageResource(PackageResource* packages) { packages_ = packages; }
  // Asked before new work (it must outlive this object); nullptr: all is let in.
  void setAdmission(UplinkAdmission* admission) { admission_ = admission; }

  const ShedCounts& shed() const { return shed_; }

  void handle(const coap::Peer& from, const coap::Message& request,
              const coap::Endpoint::Responder& respond);

 private:
  RegistrationInterface& registration_;
  SendHandler* send_ = nullptr;
  PackageResource* packages_ = nullptr;
  UplinkAdmission* admission_ = nullptr;
  ShedCounts shed_;

  // True when `work` was refused (and answered).
  bool refused(UplinkWork work, const coap::Endpoint::Responder& respond);
};

}  // namespace lwm2m::server
